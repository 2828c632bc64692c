import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import type { AccountStore } from '../store/AccountStore.js';
import { openPgliteStore } from '../store/createPgliteStore.js';
import { createPostgresStore, type PostgresStoreOptions } from '../store/createPostgresStore.js';
import { migrateToLatest } from '../store/migrations.js';
import { createPgliteDialect } from '../store/pgliteDialect.js';

/** Set by CI; PostgreSQL variants of the tests are skipped (with a printed reason) without it. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export const storeKinds = ['pglite', 'postgres'] as const;
export type StoreKind = (typeof storeKinds)[number];

export function warnIfPostgresSkipped(suite: string): void {
  if (!testDatabaseUrl)
    console.warn(`[${suite}] PostgreSQL variant skipped: TEST_DATABASE_URL is not set`);
}

let template: Promise<PGlite> | undefined;

/**
 * A fresh, migrated PGlite store in about a second: the first call pays initdb and the migrations once per
 * test file; every call after that clones the template.
 */
export async function createTestPgliteStore(): Promise<AccountStore> {
  template ??= (async () => {
    const instance = new PGlite();
    await instance.waitReady;
    const db = new Kysely<unknown>({ dialect: createPgliteDialect(instance) });
    await migrateToLatest(db);
    return instance;
  })();
  const clone = (await (await template).clone()) as PGlite;
  return openPgliteStore(clone, { ownsInstance: true });
}

/** A unique schema name for one test's PostgreSQL store. */
export function uniqueSchemaName(): string {
  return `bff_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test schema and everything in it (never anything shared). */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

export interface TestStore {
  store: AccountStore;
  /** Closes the store (if still open) and removes its data. */
  dispose(): Promise<void>;
}

let sharedPglite: Promise<AccountStore> | undefined;

export interface TestStoreOptions
  extends Partial<Omit<PostgresStoreOptions, 'connectionString' | 'schema'>> {
  /** PGlite only: a store of its own (e.g. to close it) instead of the file's shared, emptied one. */
  dedicated?: boolean;
}

/**
 * An empty store of the given kind. PostgreSQL: a new schema per call, dropped by `dispose` (fast, and
 * isolated from other suites sharing the database). PGlite: one clone per test file, emptied for each
 * caller (a clone costs about a second on a busy machine, emptying the table milliseconds).
 */
export async function createTestStore(
  kind: StoreKind,
  options: TestStoreOptions = {},
): Promise<TestStore> {
  const { dedicated = false, ...postgresOptions } = options;
  if (kind === 'pglite') {
    if (dedicated) {
      const store = await createTestPgliteStore();
      return { store, dispose: () => store.close().catch(() => {}) };
    }
    sharedPglite ??= createTestPgliteStore();
    const store = await sharedPglite;
    await store.db.deleteFrom('knewton_accounts').execute();
    // The shared instance lives as long as the test file's worker.
    return { store, dispose: async () => {} };
  }
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const connectionString = testDatabaseUrl;
  const schema = uniqueSchemaName();
  const store = await createPostgresStore({ connectionString, schema, ...postgresOptions });
  return {
    store,
    async dispose() {
      await store.close().catch(() => {});
      await dropSchema(connectionString, schema);
    },
  };
}

/** Rows in a store, for assertions. */
export async function countRows(store: AccountStore): Promise<number> {
  const { count } = await store.db
    .selectFrom('knewton_accounts')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}
