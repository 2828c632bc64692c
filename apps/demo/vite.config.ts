import react from '@vitejs/plugin-react';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedModules, sourceConditions } from '../../vite.shared.ts';

/**
 * Where the Vite dev server forwards `/api`. `pnpm dev` sets it to the BFF it started; on its own the
 * demo expects `pnpm bff` on its default port.
 */
const bffUrl = process.env.KNEWTON_DEMO_BFF_URL ?? 'http://127.0.0.1:8787';

export default mergeConfig(
  sourceConditions,
  defineConfig({
    root: import.meta.dirname,
    plugins: [react()],
    // The Origin header is forwarded unchanged on purpose: the BFF checks it against its allowlist.
    server: { proxy: { '/api': { target: bffUrl } } },
    preview: { proxy: { '/api': { target: bffUrl } } },
    build: { sourcemap: true },
    // Pre-bundled at start-up, so a first visit (a fresh clone, a browser test) is not interrupted by
    // Vite discovering a dependency late and reloading the page.
    optimizeDeps: {
      include: [
        'react',
        'react-dom/client',
        'react/jsx-dev-runtime',
        '@tanstack/react-query',
        '@tanstack/react-query-devtools',
        '@knewton-kit/react > ky',
      ],
    },
    test: {
      name: 'demo',
      environment: 'jsdom',
      include: ['src/**/*.test.{ts,tsx}'],
      ...sharedModules,
    },
  }),
);
