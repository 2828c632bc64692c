import type { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import type { AccountStore, NewAccountRow } from './AccountStore.js';
import { findAccountByAppUserId, guardStore, insertAccount, pingStore } from './accountQueries.js';
import type { PgliteFolderLock } from './acquirePgliteFolderLock.js';
import { findAccountsByAppUserIds, insertAccounts } from './findAccountsByAppUserIds.js';
import { KeyedMutex } from './keyedMutex.js';
import { migrateToLatest } from './migrations.js';
import {
  findAllOptedOut,
  findRecentOptOuts,
  type OptOutTables,
  removeOptOut,
  writeOptOut,
} from './optOutQueries.js';
import { createPgliteDialect } from './pgliteDialect.js';
import { type ExternalIdClaim, recordExternalIds } from './recordExternalIds.js';
import type { AccountDatabase } from './schema.js';

// A module of its own, reached from no public entry point: its signature names PGlite's class, whose
// declarations need `@types/emscripten`, which consumers do not have. Public types stay free of PGlite.
/**
 * Wraps an already open PGlite instance (tests use clones of a migrated template).
 * @internal
 */
export async function openPgliteStore(
  pglite: PGlite,
  { ownsInstance, lock }: { ownsInstance: boolean; lock?: PgliteFolderLock | undefined },
): Promise<AccountStore> {
  const db = new Kysely<AccountDatabase>({ dialect: createPgliteDialect(pglite) });
  await migrateToLatest(db as Kysely<unknown>);
  const locks = new KeyedMutex();
  let closed = false;

  // Saves the re-check under a user's lock a query: this process owns the folder and writes every
  // mapping, so a miss stays true until a write. Each write bumps `writes`, each miss remembers the count
  // it started at, and a re-check whose miss is still current answers without asking PGlite.
  let writes = 0;
  const misses = new Map<string, number>();
  const maxRememberedMisses = 10_000;

  async function lookup(appUserId: string) {
    const startedAt = writes;
    const row = await findAccountByAppUserId(db, appUserId);
    if (row !== undefined) misses.delete(appUserId);
    else {
      // Bounded: a flood of lookups for users who never get created forgets the oldest first.
      if (misses.size >= maxRememberedMisses) misses.delete(misses.keys().next().value as string);
      misses.set(appUserId, startedAt);
    }
    return row;
  }

  function recheck(appUserId: string) {
    const missedAt = misses.get(appUserId);
    misses.delete(appUserId);
    if (missedAt !== undefined && missedAt === writes) return Promise.resolve(undefined);
    return findAccountByAppUserId(db, appUserId);
  }

  // Counted when a write starts and again when it ends, so a lookup that overlapped a write in any way
  // (it may reach PGlite's queue before the write does) never counts as current.
  async function write<T>(operation: () => Promise<T>): Promise<T> {
    writes++;
    try {
      return await operation();
    } finally {
      writes++;
    }
  }

  const insert = (row: NewAccountRow) =>
    guardStore('insert', () => write(() => insertAccount(db, row)));
  const record = (claims: readonly ExternalIdClaim[]) =>
    guardStore('record', () => recordExternalIds(db, claims));
  // The opt-outs, in memory: this process owns the folder and writes every opt-out (`setOptedOut`
  // updates the set under the user's lock, after its commit), so every check is answered without a
  // query, which on PGlite costs as much as the create's own statements. Memory: the opted-out user ids.
  const optOuts = db.withTables<OptOutTables>();
  const optedOutUsers = new Set(await guardStore('opt-out load', () => findAllOptedOut(optOuts)));
  const optedOut = (id: string) => Promise.resolve(optedOutUsers.has(id));

  return {
    kind: 'pglite',
    db,
    findByAppUserId: (appUserId) => guardStore('lookup', () => lookup(appUserId)),
    // No database transaction is held across `work` (which calls the platform): PGlite has one connection,
    // and holding it would stall every other user's lookups behind one slow create. The statements inside
    // are single auto-committed statements, so a crash leaves either no row or a whole one.
    withUserLock: (appUserId, work) =>
      locks.run(appUserId, () =>
        work({
          findByAppUserId: (id) =>
            guardStore('lookup', () => (id === appUserId ? recheck(id) : lookup(id))),
          isOptedOut: optedOut,
          insert,
          insertLast: insert,
          recordExternalIds: record,
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
            isOptedOut: optedOut,
            findOptedOut: (ids) => Promise.resolve(ids.filter((id) => optedOutUsers.has(id))),
            insert,
            insertLast: insert,
            recordExternalIds: record,
            insertMany: (rows) => guardStore('insert', () => write(() => insertAccounts(db, rows))),
          },
          locked,
        );
      } finally {
        for (const release of releases) release();
      }
    },
    isOptedOut: optedOut,
    findUser: (appUserId) =>
      guardStore('lookup', async () => ({
        row: await lookup(appUserId),
        optedOut: optedOutUsers.has(appUserId),
      })),
    // Under the same in-process lock as a create: this process owns the folder, so that is every create.
    setOptedOut: (appUserId, optOut) =>
      locks.run(appUserId, async () => {
        const change = await guardStore('opt-out write', () =>
          optOuts
            .transaction()
            .execute((trx) =>
              optOut ? writeOptOut(trx, appUserId) : removeOptOut(trx, appUserId),
            ),
        );
        if (optOut) optedOutUsers.add(appUserId);
        else optedOutUsers.delete(appUserId);
        return change;
      }),
    findRecentOptOuts: (withinMs) =>
      guardStore('lookup', () => findRecentOptOuts(optOuts, withinMs)),
    ping: () => guardStore('ping', () => pingStore(db)),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
        if (ownsInstance) await pglite.close();
      } finally {
        // Only after PGlite has flushed and closed may another process open the folder.
        await lock?.release();
      }
    },
  };
}
