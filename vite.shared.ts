import type { UserConfig } from 'vite';
import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * Inside the workspace every `@knewton-kit/*` package resolves to its TypeScript source through the
 * `source` export condition, so tests and dev servers never need a build first. Published packages
 * ignore the condition and resolve to `dist/`.
 */
export const sourceConditions: UserConfig = {
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
};
