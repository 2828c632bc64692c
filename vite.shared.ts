import type { UserConfig } from 'vite';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import type { TestUserConfig } from 'vitest/config';

/**
 * Inside the workspace every `@knewton-kit/*` package resolves to its TypeScript source through the
 * `source` export condition, so tests and dev servers never need a build first. Published packages
 * ignore the condition and resolve to `dist/`.
 */
export const sourceConditions: UserConfig = {
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
};

/**
 * Tests that start child processes (tsx, the example BFF, the simulator's CLI, kill -9) take seconds each:
 * they run in the `process` project (`pnpm test:process`), not in `pnpm test`.
 */
export const processTests = 'src/**/*.process.test.{ts,tsx}';

/** `.ci/run` sets `VITEST_JSON_REPORT` to collect one machine-readable report per run for its summary. */
export function testReporters(): TestUserConfig['reporters'] {
  const jsonReport = process.env.VITEST_JSON_REPORT;
  return jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'];
}

/**
 * Test files share each worker's modules (`isolate: false`): the migrated PGlite template, Hono, Kysely,
 * React and jsdom's setup load once per worker rather than once per file, which more than halves
 * `pnpm test`. A test file must leave nothing global behind (fake timers, stubbed globals) past its hooks.
 */
export const sharedModules = { isolate: false } as const;
