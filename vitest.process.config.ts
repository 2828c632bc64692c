import { defineConfig, mergeConfig } from 'vitest/config';
import { processTests, sourceConditions, testReporters } from './vite.shared.ts';

/**
 * `pnpm test:process`: the scenarios that start real processes (the example BFF and the simulator's CLI
 * under tsx, several BFFs on one PostgreSQL, kill -9, SIGTERM) and chaos's trimmed runs, in every package.
 */
export default mergeConfig(
  sourceConditions,
  defineConfig({
    test: {
      name: 'process',
      environment: 'node',
      include: [`{packages,apps}/*/${processTests}`, `chaos/${processTests}`],
      exclude: ['**/node_modules/**'],
      // Children load TypeScript through tsx and PGlite runs initdb, on a shared 2-core machine.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: testReporters(),
    },
  }),
);
