import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/** The demo sign-in's table, beside the account mappings in the store's database (and schema). */
export type DemoSessionTables = {
  example_bff_demo_sessions: {
    /** SHA-256 of the session token: a copy of the table does not hand out working cookies. */
    token_hash: string;
    user_id: string;
    created_at: Date;
    expires_at: Date;
  };
};

/**
 * The example BFF's own migrations, kept apart from the library's (their own bookkeeping tables), so the
 * library's schema history stays the library's. Append new ones; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '2026-12-01-001-demo-sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('example_bff_demo_sessions')
        .addColumn('token_hash', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull())
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('example_bff_demo_sessions_expires_at')
        .on('example_bff_demo_sessions')
        .column('expires_at')
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Creates the demo session table if it is missing. Idempotent, and safe when several example BFFs start
 * at once on one PostgreSQL: Kysely's migrator serializes them (advisory lock) and records what ran.
 * Pinned to the connection's current schema, as the library's own migrations are.
 */
export async function migrateDemoSessions(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  const migrationTableSchema = rows[0]?.schema ?? undefined;
  const { error } = await new Migrator({
    db,
    provider,
    migrationTableName: 'example_bff_migration',
    migrationLockTableName: 'example_bff_migration_lock',
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  }).migrateToLatest();
  if (error) {
    throw new Error('Creating the demo session table failed', { cause: error });
  }
}
