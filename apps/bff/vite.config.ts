import { configDefaults, defineProject, mergeConfig } from 'vitest/config';
import { processTests, sharedModules, sourceConditions } from '../../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: 'example-bff',
      environment: 'node',
      include: ['src/**/*.test.{ts,tsx}'],
      exclude: [...configDefaults.exclude, processTests],
      ...sharedModules,
      // PGlite's initdb and simulator round trips on a shared 2-core machine.
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
);
