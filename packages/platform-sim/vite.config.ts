import { configDefaults, defineProject, mergeConfig } from 'vitest/config';
import { processTests, sharedModules, sourceConditions } from '../../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: 'platform-sim',
      environment: 'node',
      include: ['src/**/*.test.{ts,tsx}'],
      exclude: [...configDefaults.exclude, processTests],
      ...sharedModules,
    },
  }),
);
