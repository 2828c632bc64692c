import { defineProject, mergeConfig } from 'vitest/config';
import { sharedModules, sourceConditions } from '../../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: 'contract',
      environment: 'node',
      include: ['src/**/*.test.{ts,tsx}'],
      ...sharedModules,
    },
  }),
);
