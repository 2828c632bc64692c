import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { StoreUnavailableError } from '../errors.js';
import type { AccountStore } from './AccountStore.js';
import { findAccountByAppUserId, guardStore, insertAccount, pingStore } from './accountQueries.js';
import { findAccountsByAppUserIds, insertAccounts } from './findAccountsByAppUserIds.js';
import { KeyedMutex } from './keyedMutex.js';
import { migrateToLatest } from './migrations.js';
import { createPgliteDialect } from './pgliteDialect.js';
import type { AccountDatabase } from './schema.js';

export interface PgliteStoreOptions {
  /** Folder holding the database, created if missing. @default undefined (in memory, lost on close) */
  dataDir?: string;
}

/**
 * Opens the embedded store (PGlite, WASM PostgreSQL) and migrates it. The default store: no server needed.
 * A PGlite folder belongs to one process at a time, so the in-process lock is the whole story here;
 * several processes need `createPostgresStore`.
 */
export async function createPgliteStore(options: PgliteStoreOptions = {}): Promise<AccountStore> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`options` must be an object');
  const { dataDir } = options;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.trim() === '')) {
    throw new TypeError('`dataDir` must be a non-empty path when given');
  }
  let pglite: PGlite;
  try {
    pglite = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await pglite.waitReady;
  } catch (error) {
    throw new StoreUnavailableError('Opening the PGlite account store failed', { cause: error });
  }
  return openPgliteStore(pglite, { ownsInstance: true });
}

/**
 * Wraps an already open PGlite instance (tests use clones of a migrated template).
 * @internal
 */
export async function openPgliteStore(
  pglite: PGlite,
  { ownsInstance }: { ownsInstance: boolean },
): Promise<AccountStore> {
  const db = new Kysely<AccountDatabase>({ dialect: createPgliteDialect(pglite) });
  await migrateToLatest(db as Kysely<unknown>);
  const locks = new KeyedMutex();
  let closed = false;

  return {
    kind: 'pglite',
    db,
    findByAppUserId: (appUserId) =>
      guardStore('lookup', () => findAccountByAppUserId(db, appUserId)),
    // No database transaction is held across `work` (which calls the platform): PGlite has one connection,
    // and holding it would stall every other user's lookups behind one slow create. The statements inside
    // are single auto-committed statements, so a crash leaves either no row or a whole one.
    withUserLock: (appUserId, work) =>
      locks.run(appUserId, () =>
        work({
          findByAppUserId: (id) => guardStore('lookup', () => findAccountByAppUserId(db, id)),
          insert: (row) => guardStore('insert', () => insertAccount(db, row)),
        }),
      ),
    async withFreeUserLocks(appUserIds, work) {
      const releases: Array<() => void> = [];
      const locked: string[] = [];
      for (const appUserId of new Set(appUserIds)) {
        const release = locks.tryAcquire(appUserId);
        if (release) {
          releases.push(release);
          locked.push(appUserId);
        }
      }
      try {
        return await work(
          {
            findByAppUserId: (id) => guardStore('lookup', () => findAccountByAppUserId(db, id)),
            findManyByAppUserIds: (ids) =>
              guardStore('lookup', () => findAccountsByAppUserIds(db, ids)),
            insert: (row) => guardStore('insert', () => insertAccount(db, row)),
            insertMany: (rows) => guardStore('insert', () => insertAccounts(db, rows)),
          },
          locked,
        );
      } finally {
        for (const release of releases) release();
      }
    },
    ping: () => guardStore('ping', () => pingStore(db)),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      if (ownsInstance) await pglite.close();
    },
  };
}
