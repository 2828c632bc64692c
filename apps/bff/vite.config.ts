import { defineProject, mergeConfig } from 'vitest/config';
import { sourceConditions } from '../../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: 'example-bff',
      environment: 'node',
      include: ['src/**/*.test.{ts,tsx}'],
      // Child-process tests start tsx and PGlite (initdb) on a shared 2-core machine.
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
);
