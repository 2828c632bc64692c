import { defineProject, mergeConfig } from 'vitest/config';
import { sourceConditions } from '../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: 'chaos',
      environment: 'node',
      include: ['src/**/*.test.ts'],
      // The trimmed scenarios start BFF processes (tsx, PGlite initdb) and run load on a shared 2-core machine.
      testTimeout: 240_000,
      hookTimeout: 60_000,
    },
  }),
);
