import type { AccountStore } from './AccountStore.js';

export interface PgliteStoreOptions {
  /** Folder holding the database; created if missing. @default undefined (in memory) */
  dataDir?: string;
}

/** Opens (and migrates) the embedded store (implementation in progress). */
export async function createPgliteStore(_options: PgliteStoreOptions = {}): Promise<AccountStore> {
  throw new Error('createPgliteStore: not implemented yet');
}
