import { reactRouter } from '@react-router/dev/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [reactRouter()],
  // PGlite loads its WASM files beside its own module: it must stay a package, not be bundled.
  ssr: { external: ['@electric-sql/pglite'] },
});
