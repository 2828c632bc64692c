import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each host snippet starts as its own process (tsx) and opens PGlite: seconds on a shared machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
