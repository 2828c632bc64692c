import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import type { AccountStore } from '../../src/store/AccountStore.js';
import {
  createPostgresStore,
  type PostgresStoreOptions,
} from '../../src/store/createPostgresStore.js';
import type { LearningDatabase } from '../../src/store/learningSchema.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { openPgliteStore } from '../../src/store/openPgliteStore.js';
import type { OptOutDatabase } from '../../src/store/optOutSchema.js';
import { createPgliteDialect } from '../../src/store/pgliteDialect.js';

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
 * Where the migrated template is cached between test files (and runs): PGlite's initdb costs seconds, loading
 * a dump under one. The name carries a digest of the migrations and the PGlite version, so a changed schema
 * never loads a stale template.
 */
async function templateDumpPath(): Promise<string> {
  const migrationsSource = await readFile(
    fileURLToPath(new URL('../../src/store/migrations.ts', import.meta.url)),
    'utf8',
  );
  const pgliteVersion = JSON.parse(
    await readFile(
      fileURLToPath(
        new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url),
      ),
      'utf8',
    ),
  ).version as string;
  const digest = createHash('sha256')
    .update(`${pgliteVersion}\n${migrationsSource}`)
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), `knewton-bff-pglite-template-${digest}.tar.gz`);
}

async function openTemplate(): Promise<PGlite> {
  const dumpPath = await templateDumpPath();
  try {
    const dump = await readFile(dumpPath);
    const loaded = new PGlite({ loadDataDir: new Blob([dump]) });
    await loaded.waitReady;
    return loaded;
  } catch {
    // No dump yet (or an unreadable one): build the template and leave a dump for the next file.
  }
  const instance = new PGlite();
  await instance.waitReady;
  const db = new Kysely<unknown>({ dialect: createPgliteDialect(instance) });
  await migrateToLatest(db);
  const dump = Buffer.from(await (await instance.dumpDataDir('gzip')).arrayBuffer());
  // Write then rename, so a concurrently starting test file never reads half a dump.
  const partial = `${dumpPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, dump);
  await rename(partial, dumpPath);
  return instance;
}

let folderTemplate: Promise<string> | undefined;

/** A migrated PGlite folder, built once per template digest and left in the temp folder for later runs. */
async function openFolderTemplate(): Promise<string> {
  const folder = (await templateDumpPath()).replace(/\.tar\.gz$/, '-folder');
  if (
    await readFile(join(folder, 'PG_VERSION')).then(
      () => true,
      () => false,
    )
  )
    return folder;
  const building = await mkdtemp(`${folder}.building-`);
  const instance = new PGlite(join(building, 'pglite'));
  await instance.waitReady;
  await migrateToLatest(new Kysely<unknown>({ dialect: createPgliteDialect(instance) }));
  await instance.close();
  // Renamed into place whole, so a concurrent test file never copies half a folder.
  await rename(join(building, 'pglite'), folder).catch(() => {});
  await rm(building, { recursive: true, force: true });
  return folder;
}

/**
 * Puts a migrated PGlite database into `dataDir` (which must not exist yet), as a first start would leave
 * it: opening it then takes well under a second instead of running initdb for several.
 */
export async function seedPgliteFolder(dataDir: string): Promise<void> {
  folderTemplate ??= openFolderTemplate();
  await mkdir(dirname(dataDir), { recursive: true });
  await cp(await folderTemplate, dataDir, { recursive: true, errorOnExist: true, force: false });
}

/**
 * A fresh, migrated PGlite store in about a second: the template is loaded from a cached dump (or built
 * once and dumped), then cloned for every caller.
 */
export async function createTestPgliteStore(): Promise<AccountStore> {
  template ??= openTemplate();
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
  /** PGlite only: a store of its own (e.g. to close it) instead of the worker's shared, emptied one. */
  dedicated?: boolean;
}

/**
 * An empty store of the given kind. PostgreSQL: a new schema per call, dropped by `dispose` (fast, and
 * isolated from other suites sharing the database). PGlite: one clone per worker (its test files share
 * modules), emptied for each caller (a clone costs about a second on a busy machine, emptying the table
 * milliseconds).
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
    // Registrations reference accounts, so they go first.
    const learningTables = store.db.withTables<LearningDatabase>();
    await learningTables.deleteFrom('knewton_registrations').execute();
    await learningTables.deleteFrom('knewton_learning_instances').execute();
    await store.db.deleteFrom('knewton_accounts').execute();
    await store.db.deleteFrom('knewton_external_ids').execute();
    await store.db.deleteFrom('knewton_erasures').execute();
    // Through the store, which keeps PGlite's opt-outs in memory too.
    const optOuts = await store.db
      .withTables<OptOutDatabase>()
      .selectFrom('knewton_opt_outs')
      .select('app_user_id')
      .execute();
    for (const { app_user_id } of optOuts) await store.setOptedOut(app_user_id, false);
    // The shared instance lives as long as the worker.
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
