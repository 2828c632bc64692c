import { defineConfig, mergeConfig } from 'vitest/config';
import { sourceConditions } from '../../../vite.shared.ts';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const jsonReport = process.env.VITEST_JSON_REPORT;

/**
 * Browser tests of the demo (`pnpm e2e`), apart from `pnpm test`: they start the real stack (simulator,
 * BFF, Vite) and drive Debian's Chromium, so they run one file at a time with generous timeouts.
 */
export default mergeConfig(
  sourceConditions,
  defineConfig({
    root: repoRoot,
    test: {
      name: 'e2e',
      include: ['apps/demo/e2e/**/*.e2e.ts'],
      environment: 'node',
      fileParallelism: false,
      testTimeout: 90_000,
      hookTimeout: 180_000,
      reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    },
  }),
);
