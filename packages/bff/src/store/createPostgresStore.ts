import type { AccountStore } from './AccountStore.js';

export interface PostgresStoreOptions {
  /** `postgres://...` connection string. */
  connectionString: string;
  /** Pool size. @default 10 */
  max?: number;
}

/** Opens (and migrates) the PostgreSQL store (implementation in progress). */
export async function createPostgresStore(_options: PostgresStoreOptions): Promise<AccountStore> {
  throw new Error('createPostgresStore: not implemented yet');
}
