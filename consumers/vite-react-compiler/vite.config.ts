import babel from '@rolldown/plugin-babel';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const kit = /[\\/]node_modules[\\/]@knewton-kit[\\/]react[\\/]/;
const app = (file: string) => !/[\\/]node_modules[\\/]/.test(file);

// The app and the kit as shipped (node_modules/@knewton-kit/react/dist) both go through the React
// Compiler, which leaves node_modules alone unless told. `panicThreshold: 'all_errors'` turns any
// component or hook it would skip into a failed build and failed tests.
export default defineConfig({
  plugins: [
    react(),
    babel({
      plugins: [
        [
          'babel-plugin-react-compiler',
          { panicThreshold: 'all_errors', sources: (file: string) => app(file) || kit.test(file) },
        ],
      ],
      exclude: [(file: string | undefined) => !!file && !app(file) && !kit.test(file)],
    }),
  ],
  test: {
    environment: 'jsdom',
    // Vitest runs dependencies as they are unless inlined; inlined, the kit goes through the plugins.
    server: { deps: { inline: [/@knewton-kit[\\/]react/] } },
  },
});
