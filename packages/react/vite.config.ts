import { defineProject, mergeConfig } from 'vitest/config';
import { sharedModules, sourceConditions } from '../../vite.shared';

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: 'react',
      environment: 'jsdom',
      include: ['src/**/*.test.{ts,tsx}'],
      setupFiles: ['./test/support/setup.ts'],
      ...sharedModules,
      // Type tests (`*.test-d.tsx`) run with the rest, so a type regression fails `pnpm test`.
      typecheck: {
        enabled: true,
        include: ['src/**/*.test-d.{ts,tsx}'],
        tsconfig: './tsconfig.json',
      },
    },
  }),
);
