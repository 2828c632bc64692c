import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { StoreUnavailableError } from '../errors.js';

/**
 * The schema's history, in code so the published package needs no migration files on disk.
 * Append new migrations; never edit one that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26-001-knewton-accounts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('knewton_accounts')
        .addColumn('app_user_id', 'text', (col) => col.primaryKey())
        .addColumn('external_id', 'text', (col) => col.notNull().unique())
        .addColumn('key_version', 'text', (col) => col.notNull())
        .addColumn('account_id', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('knewton_accounts').execute();
    },
  },
  // Learning features (learningSchema.ts): the app's learning instance per graph and one registration
  // per (app user, learning instance). A row with a null platform id records a create that was sent
  // and whose answer may have been lost: the next attempt looks for it on the platform before creating.
  '2026-12-01-001-knewton-learning': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('knewton_learning_instances')
        .addColumn('graph_id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('learning_instance_id', 'text', (col) => col.unique())
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('knewton_registrations')
        .addColumn('app_user_id', 'text', (col) =>
          col.notNull().references('knewton_accounts.app_user_id'),
        )
        .addColumn('learning_instance_id', 'text', (col) => col.notNull())
        .addColumn('registration_id', 'text', (col) => col.unique())
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('knewton_registrations_pkey', [
          'app_user_id',
          'learning_instance_id',
        ])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('knewton_registrations').execute();
      await db.schema.dropTable('knewton_learning_instances').execute();
    },
  },
  // The learning-event outbox (eventOutboxSchema.ts): events are accepted into it in one statement and
  // delivered from it in order per learner; a learner's delivery is leased to one process at a time.
  '2026-12-01-002-knewton-learning-events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('knewton_learning_events')
        .addColumn('seq', 'bigserial', (col) => col.primaryKey())
        .addColumn('app_user_id', 'text', (col) =>
          col.notNull().references('knewton_accounts.app_user_id'),
        )
        .addColumn('event_id', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('accepted_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addColumn('delivered_at', 'timestamptz')
        .addUniqueConstraint('knewton_learning_events_user_event', ['app_user_id', 'event_id'])
        .execute();
      await sql`create index knewton_learning_events_pending on knewton_learning_events (app_user_id, seq) where delivered_at is null`.execute(
        db,
      );
      await db.schema
        .createTable('knewton_event_leases')
        .addColumn('app_user_id', 'text', (col) => col.primaryKey())
        .addColumn('owner', 'text', (col) => col.notNull())
        .addColumn('lease_until', 'timestamptz', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('knewton_event_leases').execute();
      await db.schema.dropTable('knewton_learning_events').execute();
    },
  },
  // Sharding: the platform holds at most 500 registrations per learning instance, so a graph
  // has several instances (`shard` 0, 1, ...; the existing one is shard 0) and a registration is looked up
  // by (app user, graph), unique, whichever instance holds it. `is_full` records a 422 entity-limit answer
  // for an instance the store thought had room (registrations made outside the kit).
  '2026-12-01-003-knewton-learning-shards': {
    async up(db: Kysely<unknown>) {
      await sql`alter table knewton_learning_instances add column shard integer not null default 0`.execute(
        db,
      );
      await sql`alter table knewton_learning_instances add column is_full boolean not null default false`.execute(
        db,
      );
      await sql`alter table knewton_learning_instances drop constraint knewton_learning_instances_pkey`.execute(
        db,
      );
      await sql`alter table knewton_learning_instances add primary key (graph_id, shard)`.execute(
        db,
      );
      await sql`alter table knewton_registrations add column graph_id text`.execute(db);
      await sql`update knewton_registrations set graph_id = i.graph_id from knewton_learning_instances i where i.learning_instance_id = knewton_registrations.learning_instance_id`.execute(
        db,
      );
      await sql`alter table knewton_registrations alter column graph_id set not null`.execute(db);
      await sql`create unique index knewton_registrations_user_graph on knewton_registrations (app_user_id, graph_id)`.execute(
        db,
      );
      await sql`create index knewton_registrations_instance on knewton_registrations (learning_instance_id)`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index knewton_registrations_instance`.execute(db);
      await sql`drop index knewton_registrations_user_graph`.execute(db);
      await sql`alter table knewton_registrations drop column graph_id`.execute(db);
      await sql`delete from knewton_learning_instances where shard > 0`.execute(db);
      await sql`alter table knewton_learning_instances drop constraint knewton_learning_instances_pkey`.execute(
        db,
      );
      await sql`alter table knewton_learning_instances add primary key (graph_id)`.execute(db);
      await sql`alter table knewton_learning_instances drop column is_full`.execute(db);
      await sql`alter table knewton_learning_instances drop column shard`.execute(db);
    },
  },
  // Pruning: delivered events are deleted once older than the dedup window; this index lets
  // the prune find them without reading the pending ones (which the partial index above serves).
  '2026-12-01-004-knewton-learning-events-prune': {
    async up(db: Kysely<unknown>) {
      await sql`create index knewton_learning_events_delivered on knewton_learning_events (delivered_at) where delivered_at is not null`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index knewton_learning_events_delivered`.execute(db);
    },
  },
  // Dead letters (eventOutboxSchema.ts): events the platform refused for good, with its answer, kept until
  // the host purges them. Keyed by (app user, event id) like the outbox, so a learner's rows are found
  // (and erased) by app user id; indexed by refusal time for listing and purging the oldest.
  '2026-12-05-001-knewton-dead-letter-events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('knewton_dead_letter_events')
        .addColumn('app_user_id', 'text', (col) =>
          col.notNull().references('knewton_accounts.app_user_id'),
        )
        .addColumn('event_id', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('accepted_at', 'timestamptz', (col) => col.notNull())
        .addColumn('refused_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addColumn('status', 'integer', (col) => col.notNull())
        .addColumn('answer', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('knewton_dead_letter_events_pkey', ['app_user_id', 'event_id'])
        .execute();
      await sql`create index knewton_dead_letter_events_refused on knewton_dead_letter_events (refused_at)`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('knewton_dead_letter_events').execute();
    },
  },
  // The external id a create is made with, committed before the platform call: a create whose answer
  // was lost is repaired under the id (and key) it was made with, even after the pseudonym key rotated.
  '2026-12-05-002-knewton-external-ids': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('knewton_external_ids')
        .addColumn('app_user_id', 'text', (col) => col.primaryKey())
        .addColumn('external_id', 'text', (col) => col.notNull().unique())
        .addColumn('key_version', 'text', (col) => col.notNull())
        .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('knewton_external_ids').execute();
    },
  },
  // Erasure tombstones, keyed by a keyed hash of the app user id (never the id itself): how many times the
  // learner was erased (the generation of their next external id, since the platform never accepts one
  // twice) and, until the platform confirmed the deletion, the account still to delete.
  '2026-12-05-002b-knewton-erasures': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('knewton_erasures')
        .addColumn('user_key', 'text', (col) => col.primaryKey())
        .addColumn('generation', 'integer', (col) => col.notNull())
        .addColumn('account_id', 'text')
        .addColumn('requested_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addColumn('erased_at', 'timestamptz')
        .execute();
      await sql`create index knewton_erasures_pending on knewton_erasures (requested_at) where account_id is not null`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('knewton_erasures').execute();
    },
  },
  // Opt-outs (optOutSchema.ts): one row per learner who withdrew consent to Knewton features. No foreign
  // key to the mapping: a learner may opt out before any account exists, and an erased account's opt-out
  // stays. Every create, event and recommendation checks it in the store, under the user's lock for creates.
  '2026-12-05-003-knewton-opt-outs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('knewton_opt_outs')
        .addColumn('app_user_id', 'text', (col) => col.primaryKey())
        .addColumn('opted_out_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
      // Other processes poll recent opt-outs to forget accounts they hold in memory.
      await sql`create index knewton_opt_outs_recent on knewton_opt_outs (opted_out_at)`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('knewton_opt_outs').execute();
    },
  },
  // An erasure's registrations (erasureQueries.ts): the platform registration ids recorded in the
  // tombstone in the transaction that deletes the learner's rows, so a crash cannot lose what is still
  // to delete on the platform. Pending stays `account_id is not null`: registrations exist only under a
  // mapped account, so the ids are only recorded beside an account id.
  '2026-12-05-004-knewton-erasure-registrations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('knewton_erasures')
        .addColumn('registration_ids', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('knewton_erasures').dropColumn('registration_ids').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema up to date; on PostgreSQL, Kysely serializes concurrent starters with an advisory lock.
 * The migration bookkeeping tables are pinned to the connection's current schema: left unqualified, Kysely
 * would take another schema's `kysely_migration` table (say, a second installation in the same database)
 * for ours and then fail to find it on the search path.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  const migrationTableSchema = rows[0]?.schema ?? undefined;
  if (migrationTableSchema === undefined) {
    throw new StoreUnavailableError(
      'The account store has no current schema (check `search_path`)',
    );
  }
  const { error } = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest();
  if (error)
    throw new StoreUnavailableError('Migrating the account store failed', { cause: error });
}
