import { type Kysely, sql } from 'kysely';
import type { AccountDatabase } from './schema.js';

/** A learner's tombstone: erasures so far and what is still to delete on the platform, if any. */
export interface ErasureRow {
  userKey: string;
  generation: number;
  /** Set until the platform confirmed the deletion: the erasure is in progress. */
  accountId: string | null;
  /** The learner's platform registrations still to delete (before the account); empty when none. */
  registrationIds: string[];
}

/** A pending erasure: the account and the registrations still to delete on the platform. */
export interface PendingErasure {
  userKey: string;
  accountId: string;
  registrationIds: string[];
}

/** The tombstone's `registration_ids` column: a JSON array of registration ids, or `null`. */
function readRegistrationIds(column: string | null): string[] {
  if (column === null) return [];
  const parsed: unknown = JSON.parse(column);
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
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
    .select(['user_key', 'generation', 'account_id', 'registration_ids'])
    .where('user_key', 'in', [...userKeys])
    .orderBy('generation', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (
    row && {
      userKey: row.user_key,
      generation: row.generation,
      accountId: row.account_id,
      registrationIds: readRegistrationIds(row.registration_ids),
    }
  );
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
 * The store's half of an erasure, in one transaction: the tombstone (next generation, the account and the
 * learner's platform registrations still to delete) is written, and every row naming the learner goes:
 * learning rows, the recorded external id, the mapping. Committed, it leaves no row with the app user id;
 * a crash before the commit leaves all. Resolves with the registration ids it recorded.
 */
export async function beginErasure(
  db: Kysely<AccountDatabase>,
  erasure: { appUserId: string; userKey: string; generation: number; accountId: string | null },
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    // Registrations exist only under a mapped account, so without an account id there are none.
    const registrationIds =
      erasure.accountId === null
        ? []
        : (
            await sql<{ registration_id: string }>`
              select registration_id from knewton_registrations
              where app_user_id = ${erasure.appUserId} and registration_id is not null
              order by registration_id`.execute(trx)
          ).rows.map((row) => row.registration_id);
    const recorded = registrationIds.length === 0 ? null : JSON.stringify(registrationIds);
    await trx
      .insertInto('knewton_erasures')
      .values({
        user_key: erasure.userKey,
        generation: erasure.generation,
        account_id: erasure.accountId,
        registration_ids: recorded,
      })
      .onConflict((conflict) =>
        conflict.column('user_key').doUpdateSet({
          generation: erasure.generation,
          account_id: erasure.accountId,
          registration_ids: recorded,
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
    return registrationIds;
  });
}

/**
 * The platform confirmed every deletion, registrations and account (or had nothing to delete): the
 * tombstone keeps only its generation.
 */
export async function finishErasure(
  db: Kysely<AccountDatabase>,
  userKey: string,
  accountId: string,
): Promise<void> {
  await db
    .updateTable('knewton_erasures')
    .set({ account_id: null, registration_ids: null, erased_at: sql`now()` })
    .where('user_key', '=', userKey)
    .where('account_id', '=', accountId)
    .execute();
}

/** Erasures whose platform deletion is not confirmed (after a crash or an outage), oldest first. */
export async function pendingErasures(
  db: Kysely<AccountDatabase>,
  limit: number,
): Promise<PendingErasure[]> {
  const rows = await db
    .selectFrom('knewton_erasures')
    .select(['user_key', 'account_id', 'registration_ids'])
    .where('account_id', 'is not', null)
    .orderBy('requested_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    userKey: row.user_key,
    accountId: row.account_id as string,
    registrationIds: readRegistrationIds(row.registration_ids),
  }));
}
