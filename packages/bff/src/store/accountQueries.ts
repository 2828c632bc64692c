import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { AccountStoreConflictError, StoreUnavailableError } from '../errors.js';
import type { AccountRow, NewAccountRow } from './AccountStore.js';
import { insertAccountSql, selectAccountSql, toAccountRow } from './accountSql.js';
import { describeCause } from './describeCause.js';
import type { AccountDatabase, KnewtonAccountTable } from './schema.js';

/** The warm path: one lookup by primary key (a simple query, see `accountSql`). */
export async function findAccountByAppUserId(
  db: Kysely<AccountDatabase>,
  appUserId: string,
): Promise<AccountRow | undefined> {
  const { rows } = await db.executeQuery<Selectable<KnewtonAccountTable>>(
    CompiledQuery.raw(selectAccountSql(appUserId)),
  );
  const row = rows[0];
  return row ? toAccountRow(row) : undefined;
}

/**
 * Inserts the mapping. Only ever called under the user's provisioning lock after a re-check, so a conflict
 * means the same account was already written (harmless) or two users claim one external id or account id:
 * a broken mapper or a corrupted store, which must stop rather than be papered over.
 */
export async function insertAccount(
  db: Kysely<AccountDatabase>,
  row: NewAccountRow,
): Promise<AccountRow> {
  const { rows } = await db.executeQuery<Selectable<KnewtonAccountTable>>(
    CompiledQuery.raw(insertAccountSql(row)),
  );
  const inserted = rows[0];
  if (inserted) return toAccountRow(inserted);
  const existing = await findAccountByAppUserId(db, row.appUserId);
  if (existing && existing.accountId === row.accountId && existing.externalId === row.externalId)
    return existing;
  throw new AccountStoreConflictError(
    'Account store conflict: the external id or account id is already mapped to another app user (check the external id mapper)',
  );
}

export async function pingStore(db: Kysely<AccountDatabase>): Promise<void> {
  await db.selectFrom('knewton_accounts').select('app_user_id').limit(1).execute();
}

/** Store failures become `StoreUnavailableError`; errors we raise on purpose pass through. */
export async function guardStore<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AccountStoreConflictError) throw error;
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`Account store ${what} failed: ${describeCause(error)}`, {
      cause: error,
    });
  }
}
