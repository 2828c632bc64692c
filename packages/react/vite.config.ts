import { defineProject, mergeConfig } from 'vitest/config';
import { sourceConditions } from '../../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: { name: 'react', environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
  }),
);
