import { defineConfig } from 'vitest/config';
import { testReporters } from './vite.shared.ts';

// Every package and app with a vite.config.ts is one Vitest project; `pnpm test` runs them all. The
// process-level scenarios (`*.process.test.ts`) are left out: `pnpm test:process` runs them.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vite.config.ts',
      'apps/*/vite.config.ts',
      // Built from the packed tarballs by consumers/run.mjs, with its own dependencies: not a project here.
      '!apps/react-router/vite.config.ts',
      'chaos/vite.config.ts',
    ],
    reporters: testReporters(),
  },
});
