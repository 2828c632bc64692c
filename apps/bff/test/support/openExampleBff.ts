import { createTestPgliteStore } from '../../../../packages/bff/test/support/testStores.js';
import {
  createExampleBff,
  type ExampleBff,
  type ExampleBffOptions,
} from '../../src/createExampleBff.js';
import type { ExampleBffConfig } from '../../src/ExampleBffConfig.js';

/**
 * `createExampleBff` for tests: an in-memory PGlite store becomes a clone of the migrated template (a
 * fresh one runs initdb for seconds); a folder or PostgreSQL is opened as configured.
 */
export async function openExampleBff(
  config: ExampleBffConfig,
  options: ExampleBffOptions = {},
): Promise<ExampleBff> {
  const inMemory = config.database.kind === 'pglite' && config.database.dataDir === undefined;
  if (!inMemory || options.store !== undefined) return createExampleBff(config, options);
  const store = await createTestPgliteStore();
  return createExampleBff(config, { ...options, store }).catch(async (error: unknown) => {
    await store.close().catch(() => {});
    throw error;
  });
}
