import { defineConfig } from 'vitest/config';

// `.ci/run` sets this to collect one machine-readable report per run for its closing summary line.
const jsonReport = process.env.VITEST_JSON_REPORT;

// Every package and app with a vite.config.ts is one Vitest project; `pnpm test` runs them all.
export default defineConfig({
  test: {
    projects: ['packages/*/vite.config.ts', 'apps/*/vite.config.ts', 'chaos/vite.config.ts'],
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
