import { CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import type { AccountRow } from './AccountStore.js';
import { sqlLiteral, toAccountRow } from './accountSql.js';
import type { EventOutboxDatabase } from './eventOutboxSchema.js';
import type { OptOutDatabase } from './optOutSchema.js';
import type { AccountDatabase, KnewtonAccountTable } from './schema.js';

/** The tables the opt-out statements touch: `store.db.withTables<OptOutTables>()`. */
export type OptOutTables = OptOutDatabase & EventOutboxDatabase;
type Db = Kysely<AccountDatabase & OptOutTables>;

/** What writing a learner's opt-out state changed. */
export interface OptOutChange {
  /** The state was different before (a repeated `optOut` or `optIn` changes nothing). */
  changed: boolean;
  /** Undelivered events deleted with it: consent was withdrawn, so they are never sent. */
  removedEvents: number;
}

/** The opt-out check as plain SQL (the PostgreSQL lock script sends it with the lock, one round trip). */
export function selectOptOutSql(appUserId: string): string {
  return `select 1 as opted_out from knewton_opt_outs where app_user_id = ${sqlLiteral(appUserId)}`;
}

/**
 * The user's mapping row (if any) and opt-out in one simple query, always one row back: an ensure's first
 * look costs one round trip, as it did before opt-outs existed.
 */
export async function findAccountAndOptOut(
  db: Kysely<AccountDatabase>,
  appUserId: string,
): Promise<{ row: AccountRow | undefined; optedOut: boolean }> {
  const id = sqlLiteral(appUserId);
  const { rows } = await db.executeQuery<
    Partial<Selectable<KnewtonAccountTable>> & { opted_out: boolean }
  >(
    CompiledQuery.raw(
      `select a.*, exists (select 1 from knewton_opt_outs o where o.app_user_id = ${id}) as opted_out from (select 1) as one left join knewton_accounts a on a.app_user_id = ${id}`,
    ),
  );
  const found = rows[0];
  const row =
    found?.app_user_id == null ? undefined : toAccountRow(found as Selectable<KnewtonAccountTable>);
  return { row, optedOut: found?.opted_out === true };
}

export async function isOptedOut(db: Db, appUserId: string): Promise<boolean> {
  const row = await db
    .selectFrom('knewton_opt_outs')
    .select('app_user_id')
    .where('app_user_id', '=', appUserId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Every user who opted out (PGlite keeps them in memory: its process writes every opt-out). */
export async function findAllOptedOut(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('knewton_opt_outs').select('app_user_id').execute();
  return rows.map((row) => row.app_user_id);
}

/** Those of `appUserIds` who opted out (a batch re-checks its users under their locks). */
export async function findOptedOut(db: Db, appUserIds: readonly string[]): Promise<string[]> {
  if (appUserIds.length === 0) return [];
  const rows = await db
    .selectFrom('knewton_opt_outs')
    .select('app_user_id')
    .where('app_user_id', 'in', [...appUserIds])
    .execute();
  return rows.map((row) => row.app_user_id);
}

/**
 * Opts the learner out and deletes their undelivered events, in the caller's transaction (which holds
 * the user's provisioning lock). `clock_timestamp()`, not `now()`: the time the row was written, after any
 * wait for the lock, so a process polling recent opt-outs cannot miss it behind a long lock wait.
 */
export async function writeOptOut(db: Db, appUserId: string): Promise<OptOutChange> {
  const inserted = await db
    .insertInto('knewton_opt_outs')
    .values({ app_user_id: appUserId, opted_out_at: sql<Date>`clock_timestamp()` })
    .onConflict((conflict) => conflict.column('app_user_id').doNothing())
    .executeTakeFirst();
  const removedEvents = await deletePendingEvents(db, appUserId);
  return { changed: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0, removedEvents };
}

/**
 * Opts the learner back in. Undelivered events are deleted first: none can have been accepted while the
 * learner was opted out, except one whose statement began just before the opt-out committed (PostgreSQL,
 * another process); delivery skips it while the opt-out stands, and it must not go out afterwards.
 */
export async function removeOptOut(db: Db, appUserId: string): Promise<OptOutChange> {
  const removedEvents = await deletePendingEvents(db, appUserId);
  const deleted = await db
    .deleteFrom('knewton_opt_outs')
    .where('app_user_id', '=', appUserId)
    .executeTakeFirst();
  return { changed: Number(deleted.numDeletedRows) > 0, removedEvents };
}

async function deletePendingEvents(db: Db, appUserId: string): Promise<number> {
  const deleted = await db
    .deleteFrom('knewton_learning_events')
    .where('app_user_id', '=', appUserId)
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** Learners who opted out within the last `withinMs`, by the database's clock. */
export async function findRecentOptOuts(db: Db, withinMs: number): Promise<string[]> {
  const rows = await db
    .selectFrom('knewton_opt_outs')
    .select('app_user_id')
    .where('opted_out_at', '>', sql<Date>`now() - ${withinMs} * interval '1 millisecond'`)
    .execute();
  return rows.map((row) => row.app_user_id);
}
