import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    // react-router-serve and Chromium on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
