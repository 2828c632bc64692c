import type { Kysely, Selectable } from 'kysely';
import { AccountStoreConflictError } from '../errors.js';
import type { AccountRow, NewAccountRow } from './AccountStore.js';
import { toAccountValues } from './accountSql.js';
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
  return rows.map(toRow);
}

function toRow(row: Selectable<KnewtonAccountTable>): AccountRow {
  return {
    appUserId: row.app_user_id,
    externalId: row.external_id,
    keyVersion: row.key_version,
    accountId: row.account_id,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  };
}

/**
 * A batch's mappings in one `insert ... on conflict do nothing returning`; rows it did not write are
 * looked up: the same mapping already there is fine, anything else is a conflict (see `insertAccount`).
 */
export async function insertAccounts(
  db: Kysely<AccountDatabase>,
  rows: readonly NewAccountRow[],
): Promise<Array<AccountRow | AccountStoreConflictError>> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('knewton_accounts')
    .values(rows.map(toAccountValues))
    .onConflict((conflict) => conflict.doNothing())
    .returningAll()
    .execute();
  const written = new Map(inserted.map((row) => [row.app_user_id, toRow(row)]));
  const missing = rows.filter((row) => !written.has(row.appUserId)).map((row) => row.appUserId);
  const existing = new Map(
    (await findAccountsByAppUserIds(db, missing)).map((row) => [row.appUserId, row]),
  );
  return rows.map((row) => {
    const done = written.get(row.appUserId);
    if (done) return done;
    const there = existing.get(row.appUserId);
    if (there && there.accountId === row.accountId && there.externalId === row.externalId)
      return there;
    return new AccountStoreConflictError(
      'Account store conflict: the external id or account id is already mapped to another app user (check the external id mapper)',
    );
  });
}
