import { type Kysely, sql } from 'kysely';
import type { AccountDatabase } from './schema.js';

/** A learner's tombstone: erasures so far and the account still to delete on the platform, if any. */
export interface ErasureRow {
  userKey: string;
  generation: number;
  /** Set until the platform confirmed the deletion: the erasure is in progress. */
  accountId: string | null;
}

/**
 * The tables holding rows per learner on the learning side, keyed by `app_user_id`, in the order an
 * erasure deletes them (children before the mapping they reference). The one list to extend when a
 * table of per-learner rows is added.
 */
export const learnerTables = [
  'knewton_event_leases',
  'knewton_learning_events',
  'knewton_dead_letter_events',
  'knewton_registrations',
] as const;

/** The learner's tombstone under any of their user keys (the highest generation when several). */
export async function findErasure(
  db: Kysely<AccountDatabase>,
  userKeys: readonly string[],
): Promise<ErasureRow | undefined> {
  if (userKeys.length === 0) return undefined;
  const row = await db
    .selectFrom('knewton_erasures')
    .select(['user_key', 'generation', 'account_id'])
    .where('user_key', 'in', [...userKeys])
    .orderBy('generation', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { userKey: row.user_key, generation: row.generation, accountId: row.account_id };
}

/** The external id recorded for a create that has no mapping (yet), if any. */
export async function findRecordedExternalId(
  db: Kysely<AccountDatabase>,
  appUserId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('knewton_external_ids')
    .select('external_id')
    .where('app_user_id', '=', appUserId)
    .executeTakeFirst();
  return row?.external_id;
}

/**
 * The store's half of an erasure, in one transaction: the tombstone (next generation, the account still
 * to delete) is written, and every row naming the learner goes: learning rows, the recorded external id,
 * the mapping. Committed, it leaves no row with the app user id; a crash before the commit leaves all.
 */
export async function beginErasure(
  db: Kysely<AccountDatabase>,
  erasure: { appUserId: string; userKey: string; generation: number; accountId: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('knewton_erasures')
      .values({
        user_key: erasure.userKey,
        generation: erasure.generation,
        account_id: erasure.accountId,
      })
      .onConflict((conflict) =>
        conflict.column('user_key').doUpdateSet({
          generation: erasure.generation,
          account_id: erasure.accountId,
          requested_at: sql`now()`,
          erased_at: null,
        }),
      )
      .execute();
    for (const table of learnerTables) {
      await sql`delete from ${sql.table(table)} where app_user_id = ${erasure.appUserId}`.execute(
        trx,
      );
    }
    await trx
      .deleteFrom('knewton_external_ids')
      .where('app_user_id', '=', erasure.appUserId)
      .execute();
    await trx.deleteFrom('knewton_accounts').where('app_user_id', '=', erasure.appUserId).execute();
  });
}

/** The platform confirmed the deletion (or had nothing to delete): the tombstone keeps only its generation. */
export async function finishErasure(
  db: Kysely<AccountDatabase>,
  userKey: string,
  accountId: string,
): Promise<void> {
  await db
    .updateTable('knewton_erasures')
    .set({ account_id: null, erased_at: sql`now()` })
    .where('user_key', '=', userKey)
    .where('account_id', '=', accountId)
    .execute();
}

/** Erasures whose platform deletion is not confirmed (after a crash or an outage), oldest first. */
export async function pendingErasures(
  db: Kysely<AccountDatabase>,
  limit: number,
): Promise<Array<{ userKey: string; accountId: string }>> {
  const rows = await db
    .selectFrom('knewton_erasures')
    .select(['user_key', 'account_id'])
    .where('account_id', 'is not', null)
    .orderBy('requested_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ userKey: row.user_key, accountId: row.account_id as string }));
}
