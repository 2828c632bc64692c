import type { Kysely, Selectable } from 'kysely';
import type { AccountRow } from './AccountStore.js';
import type { AccountDatabase, KnewtonAccountTable } from './schema.js';

/** The rows of a batch's users in one query (a batch re-checks up to 50 users under their locks). */
export async function findAccountsByAppUserIds(
  db: Kysely<AccountDatabase>,
  appUserIds: readonly string[],
): Promise<AccountRow[]> {
  if (appUserIds.length === 0) return [];
  const rows = await db
    .selectFrom('knewton_accounts')
    .selectAll()
    .where('app_user_id', 'in', [...appUserIds])
    .execute();
  return rows.map((row: Selectable<KnewtonAccountTable>) => ({
    appUserId: row.app_user_id,
    externalId: row.external_id,
    keyVersion: row.key_version,
    accountId: row.account_id,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  }));
}
