import { join } from 'node:path';
import { createPgliteStore } from '@knewton-kit/bff';
import { sql } from 'kysely';
import type { StoreRow } from './findAnomalies.js';

export interface PgliteStoreInspection {
  rows: StoreRow[];
  /** Rows minus distinct app user ids: above 0 means the primary key no longer holds. */
  duplicateRows: number;
  /** Why `REINDEX` failed (a duplicate under a unique index, a corrupt page), or `undefined` if it passed. */
  reindexFailure: string | undefined;
}

/**
 * Opens the PGlite folder a BFF of the scenario used (`<DATA_DIR>/pglite`) the way any owner must, through
 * `createPgliteStore` and its lock, so this is only possible while no BFF holds it; rebuilds every index
 * (two owners writing at once break the primary key's) and reads the mappings.
 */
export async function inspectPgliteStore(dataDir: string): Promise<PgliteStoreInspection> {
  const store = await createPgliteStore({ dataDir: join(dataDir, 'pglite') });
  try {
    let reindexFailure: string | undefined;
    await sql`reindex schema public`.execute(store.db).catch((error: unknown) => {
      reindexFailure = (error as Error).message;
    });
    const counts = await sql<{ rows: number; users: number }>`
      select count(*)::int as rows, count(distinct app_user_id)::int as users from knewton_accounts
    `.execute(store.db);
    const { rows = 0, users = 0 } = counts.rows[0] ?? {};
    const mappings = await store.db
      .selectFrom('knewton_accounts')
      .select(['app_user_id', 'account_id'])
      .execute();
    return {
      rows: mappings.map((row) => ({ appUserId: row.app_user_id, accountId: row.account_id })),
      duplicateRows: rows - users,
      reindexFailure,
    };
  } finally {
    await store.close();
  }
}
