import { type Kysely, sql } from 'kysely';
import type { AccountStore } from './AccountStore.js';
import { guardStore } from './accountQueries.js';
import type { EventOutboxDatabase } from './eventOutboxSchema.js';
import type { OptOutDatabase } from './optOutSchema.js';
import type { AccountDatabase } from './schema.js';

export interface OutboxEvent {
  seq: string;
  eventId: string;
  /** The platform's batch-event JSON for this event. */
  payload: string;
}

/** The outbox's statements, on the account store's connection; each is one auto-committed statement. */
export interface EventOutboxQueries {
  /** Events accepted and not yet delivered, over all learners. */
  pendingCount(): Promise<number>;
  /**
   * One learner's undelivered events, counted up to `atMost` (the partial index's entries of that learner,
   * so a request costs at most that many, however long the whole backlog).
   */
  pendingCountOf(appUserId: string, atMost: number): Promise<number>;
  /**
   * Stores the events in one statement; an event id already stored for the user is skipped, and nothing
   * is stored for a user who opted out (the statement checks). Resolves with how many were stored.
   */
  accept(
    appUserId: string,
    events: readonly { eventId: string; payload: string }[],
  ): Promise<number>;
  /** Some learners with undelivered events, oldest first; never one who opted out. */
  learnersWithPending(limit: number): Promise<string[]>;
  /**
   * Takes the learner's delivery lease for `leaseMs` unless another claim holds a live one. `claim` is
   * the fencing token: unique per claim (not per process), so a holder whose lease ran out and was
   * taken over, even by a later claim of its own process, can never renew or release the new one.
   */
  claimLearner(appUserId: string, claim: string, leaseMs: number): Promise<boolean>;
  /**
   * Extends the learner's lease to `leaseMs` from now if `claim` still holds it, live; false when it ran
   * out (and another process may have taken the learner over).
   */
  renewLearner(appUserId: string, claim: string, leaseMs: number): Promise<boolean>;
  /** The learner's oldest undelivered events, in acceptance order; none once they opted out. */
  pendingOf(appUserId: string, limit: number): Promise<OutboxEvent[]>;
  /** Marks the events delivered, whoever holds the lease now: the platform has them either way. */
  markDelivered(seqs: readonly string[]): Promise<void>;
  /**
   * The platform refused these events for good: in one statement, marks them done in the outbox (so they
   * are never resent, and a resent id is still recognised for the dedup window) and copies them with
   * `status` and `answer` into the dead letters. Resolves with how many were newly dead-lettered.
   */
  deadLetter(seqs: readonly string[], status: number, answer: string): Promise<number>;
  /**
   * Drops `claim`'s lease; true when it was still live (then nobody else can have claimed the learner
   * since), false when it had run out or been taken over.
   */
  releaseLearner(appUserId: string, claim: string): Promise<boolean>;
  /**
   * Deletes up to `limit` events delivered more than `olderThanMs` ago (the dedup window: until then a
   * resent id is recognised); the number deleted.
   */
  pruneDelivered(olderThanMs: number, limit: number): Promise<number>;
  /** Drops every lease, whoever holds it: only for a store no other process can be using. */
  releaseAllLeases(): Promise<void>;
}

export function createEventOutboxQueries(store: AccountStore): EventOutboxQueries {
  const db: Kysely<AccountDatabase & EventOutboxDatabase & OptOutDatabase> = store.db.withTables<
    EventOutboxDatabase & OptOutDatabase
  >();
  /** Rows of learners who have not opted out (delivery reads only those; see `optOutQueries`). */
  const notOptedOut = sql<boolean>`not exists (select 1 from knewton_opt_outs o where o.app_user_id = knewton_learning_events.app_user_id)`;
  return {
    pendingCount: () =>
      guardStore('outbox count', async () => {
        const { count } = await db
          .selectFrom('knewton_learning_events')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .where('delivered_at', 'is', null)
          .executeTakeFirstOrThrow();
        return Number(count);
      }),
    pendingCountOf: (appUserId, atMost) =>
      guardStore('outbox count', async () => {
        const { count } = await db
          .selectFrom((eb) =>
            eb
              .selectFrom('knewton_learning_events')
              .select('seq')
              .where('app_user_id', '=', appUserId)
              .where('delivered_at', 'is', null)
              .limit(atMost)
              .as('pending'),
          )
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .executeTakeFirstOrThrow();
        return Number(count);
      }),
    accept: (appUserId, events) =>
      guardStore('outbox write', async () => {
        // One statement: the events are stored only if the learner has not opted out.
        const result =
          await sql`insert into knewton_learning_events (app_user_id, event_id, payload)
          select ${appUserId}, e.event_id, e.payload
          from unnest(${events.map((event) => event.eventId)}::text[], ${events.map((event) => event.payload)}::text[]) with ordinality as e(event_id, payload, n)
          where not exists (select 1 from knewton_opt_outs o where o.app_user_id = ${appUserId})
          order by e.n
          on conflict (app_user_id, event_id) do nothing`.execute(db);
        return Number(result.numAffectedRows ?? 0);
      }),
    learnersWithPending: (limit) =>
      guardStore('outbox scan', async () => {
        const rows = await db
          .selectFrom('knewton_learning_events')
          .select('app_user_id')
          .where('delivered_at', 'is', null)
          .where(notOptedOut)
          .groupBy('app_user_id')
          .orderBy((eb) => eb.fn.min('seq'))
          .limit(limit)
          .execute();
        return rows.map((row) => row.app_user_id);
      }),
    claimLearner: (appUserId, claim, leaseMs) =>
      guardStore('outbox lease', async () => {
        // One statement, so two processes racing for a learner cannot both win; lease times are the
        // database's clock, the one all processes share.
        const until = sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`;
        const claimed = await db
          .insertInto('knewton_event_leases')
          .values({ app_user_id: appUserId, owner: claim, lease_until: until })
          .onConflict((conflict) =>
            conflict
              .column('app_user_id')
              .doUpdateSet({ owner: claim, lease_until: until })
              .where('knewton_event_leases.lease_until', '<', sql<Date>`now()`),
          )
          .returning('app_user_id')
          .executeTakeFirst();
        return claimed !== undefined;
      }),
    renewLearner: (appUserId, claim, leaseMs) =>
      guardStore('outbox lease', async () => {
        const renewed = await db
          .updateTable('knewton_event_leases')
          .set({ lease_until: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'` })
          .where('app_user_id', '=', appUserId)
          .where('owner', '=', claim)
          .where('lease_until', '>', sql<Date>`now()`)
          .returning('app_user_id')
          .executeTakeFirst();
        return renewed !== undefined;
      }),
    pendingOf: (appUserId, limit) =>
      guardStore('outbox read', async () => {
        const rows = await db
          .selectFrom('knewton_learning_events')
          .select(['seq', 'event_id', 'payload'])
          .where('app_user_id', '=', appUserId)
          .where('delivered_at', 'is', null)
          .where(notOptedOut)
          .orderBy('seq')
          .limit(limit)
          .execute();
        return rows.map((row) => ({
          seq: String(row.seq),
          eventId: row.event_id,
          payload: row.payload,
        }));
      }),
    markDelivered: (seqs) =>
      guardStore('outbox update', async () => {
        if (seqs.length === 0) return;
        await db
          .updateTable('knewton_learning_events')
          .set({ delivered_at: sql<Date>`now()` })
          .where('seq', 'in', [...seqs])
          .execute();
      }),
    deadLetter: (seqs, status, answer) =>
      guardStore('outbox dead letter', async () => {
        if (seqs.length === 0) return 0;
        // One statement: the outbox update and the copy commit together, so a crash never leaves an
        // event both undelivered-forever and missing from the dead letters.
        const result = await sql<{ count: string }>`
          with refused as (
            update knewton_learning_events set delivered_at = now()
            where seq in (${sql.join(seqs.map((seq) => sql`${seq}`))})
            returning app_user_id, event_id, payload, accepted_at
          ), stored as (
            insert into knewton_dead_letter_events (app_user_id, event_id, payload, accepted_at, status, answer)
            select app_user_id, event_id, payload, accepted_at, ${status}, ${answer} from refused
            on conflict (app_user_id, event_id) do nothing
            returning 1
          )
          select count(*) as count from stored`.execute(db);
        return Number(result.rows[0]?.count ?? 0);
      }),
    releaseAllLeases: () =>
      guardStore('outbox lease reset', async () => {
        await db.deleteFrom('knewton_event_leases').execute();
      }),
    releaseLearner: (appUserId, claim) =>
      guardStore('outbox lease release', async () => {
        const released = await db
          .deleteFrom('knewton_event_leases')
          .where('app_user_id', '=', appUserId)
          .where('owner', '=', claim)
          .returning(sql<boolean>`lease_until > now()`.as('live'))
          .executeTakeFirst();
        return released?.live === true;
      }),
    pruneDelivered: (olderThanMs, limit) =>
      guardStore('outbox prune', async () => {
        // Bounded: a prune that falls behind catches up over several runs instead of one long delete.
        const deleted = await db
          .deleteFrom('knewton_learning_events')
          .where('seq', 'in', (eb) =>
            eb
              .selectFrom('knewton_learning_events')
              .select('seq')
              .where('delivered_at', 'is not', null)
              .where(
                'delivered_at',
                '<',
                sql<Date>`now() - ${olderThanMs} * interval '1 millisecond'`,
              )
              .limit(limit),
          )
          .executeTakeFirst();
        return Number(deleted.numDeletedRows);
      }),
  };
}
