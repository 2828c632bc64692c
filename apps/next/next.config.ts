import type { NextConfig } from 'next';

const config: NextConfig = {
  // PGlite loads its WASM and data files next to its own module: bundled, it cannot find them.
  serverExternalPackages: ['@electric-sql/pglite'],
};

export default config;
