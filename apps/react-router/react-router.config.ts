import type { Config } from '@react-router/dev/config';

// Framework mode with server rendering: loaders run on the server for the first page.
export default { ssr: true } satisfies Config;
