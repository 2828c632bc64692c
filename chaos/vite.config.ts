import { configDefaults, defineProject, mergeConfig } from 'vitest/config';
import { processTests, sharedModules, sourceConditions } from '../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: 'chaos',
      environment: 'node',
      include: ['src/**/*.test.ts'],
      exclude: [...configDefaults.exclude, processTests],
      ...sharedModules,
    },
  }),
);
