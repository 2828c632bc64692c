import { fileURLToPath } from 'node:url';

/** The workspace root, where the example BFF's entry point and `tsx` live. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
