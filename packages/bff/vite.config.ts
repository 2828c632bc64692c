import { defineProject, mergeConfig } from 'vitest/config';
import { sourceConditions } from '../../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: { name: 'bff', environment: 'node', include: ['src/**/*.test.{ts,tsx}'] },
  }),
);
