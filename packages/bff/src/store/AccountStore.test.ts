import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  countRows,
  createTestStore,
  dropSchema,
  type StoreKind,
  storeKinds,
  type TestStore,
  testDatabaseUrl,
  uniqueSchemaName,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { AccountStoreConflictError, isStoreUnavailableError } from '../errors.js';
import type { AccountStore } from './AccountStore.js';
import { createPgliteStore } from './createPgliteStore.js';
import { createPostgresStore } from './createPostgresStore.js';

// Stores start in about a second, the first PGlite of a file (initdb) in up to ten on a busy machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('AccountStore');

const row = (n: number) => ({
  appUserId: `user-${n}`,
  externalId: `ext-${n}`,
  keyVersion: 'v1',
  accountId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
});

describe.each(storeKinds)('account store on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    let testStore: TestStore;
    beforeEach(async () => {
      testStore = await createTestStore(kind);
    }, 30_000);
    afterEach(async () => {
      await testStore.dispose();
    });

    it('finds nothing for an unknown user, then the row it wrote', async () => {
      const { store } = testStore;
      expect(await store.findByAppUserId('user-1')).toBeUndefined();
      const written = await store.withUserLock('user-1', (tx) => tx.insert(row(1)));
      expect(written).toMatchObject(row(1));
      expect(written.createdAt).toBeInstanceOf(Date);
      expect(await store.findByAppUserId('user-1')).toEqual(written);
    });

    it('writes with insertLast as with insert: committed, the same mapping again harmless, a clash refused', async () => {
      const { store } = testStore;
      const written = await store.withUserLock('user-1', async (tx) => {
        expect(await tx.findByAppUserId('user-1')).toBeUndefined();
        return tx.insertLast(row(1));
      });
      expect(written).toMatchObject(row(1));
      expect(written.createdAt).toBeInstanceOf(Date);
      expect(await store.findByAppUserId('user-1')).toEqual(written);
      expect(await store.withUserLock('user-1', (tx) => tx.insertLast(row(1)))).toEqual(written);
      await expect(
        store.withUserLock('user-2', (tx) => tx.insertLast({ ...row(2), externalId: 'ext-1' })),
      ).rejects.toBeInstanceOf(AccountStoreConflictError);
      expect(await store.findByAppUserId('user-2')).toBeUndefined();
      // The lock is free again after the one-round-trip commit.
      expect(await store.withUserLock('user-1', async () => 'free')).toBe('free');
    });

    it('a re-check under the lock sees a row written after an earlier lookup missed', async () => {
      const { store } = testStore;
      expect(await store.findByAppUserId('user-1')).toBeUndefined();
      expect(await store.findByAppUserId('user-2')).toBeUndefined();
      await store.withUserLock('user-1', (tx) => tx.insert(row(1)));
      await store.withFreeUserLocks(['user-2'], (tx) => tx.insertMany([row(2)]));
      expect(
        await store.withUserLock('user-1', (tx) => tx.findByAppUserId('user-1')),
      ).toMatchObject(row(1));
      expect(
        await store.withUserLock('user-2', (tx) => tx.findByAppUserId('user-2')),
      ).toMatchObject(row(2));
      // And one that still misses, with nothing written since, still misses.
      expect(await store.findByAppUserId('user-3')).toBeUndefined();
      expect(
        await store.withUserLock('user-3', (tx) => tx.findByAppUserId('user-3')),
      ).toBeUndefined();
    });

    it('refuses a second user claiming an external id or account id already mapped', async () => {
      const { store } = testStore;
      await store.withUserLock('user-1', (tx) => tx.insert(row(1)));
      await expect(
        store.withUserLock('user-2', (tx) => tx.insert({ ...row(2), externalId: 'ext-1' })),
      ).rejects.toThrow(/already mapped/);
      await expect(
        store.withUserLock('user-2', (tx) => tx.insert({ ...row(2), accountId: row(1).accountId })),
      ).rejects.toThrow(/already mapped/);
      // Its own class, so nothing on the way up mistakes it for the store being unavailable.
      await expect(
        store.withUserLock('user-2', (tx) => tx.insert({ ...row(2), externalId: 'ext-1' })),
      ).rejects.toBeInstanceOf(AccountStoreConflictError);
      expect(await countRows(store)).toBe(1);
    });

    it('treats writing the very same mapping twice as a no-op', async () => {
      const { store } = testStore;
      const first = await store.withUserLock('user-1', (tx) => tx.insert(row(1)));
      const second = await store.withUserLock('user-1', (tx) => tx.insert(row(1)));
      expect(second).toEqual(first);
      expect(await countRows(store)).toBe(1);
    });

    it('runs holders of one user lock one after another, and different users side by side', async () => {
      const { store } = testStore;
      const events: string[] = [];
      let releaseFirst!: () => void;
      const firstHolds = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      let firstEntered!: () => void;
      const entered = new Promise<void>((resolve) => {
        firstEntered = resolve;
      });
      const first = store.withUserLock('user-1', async () => {
        events.push('first in');
        firstEntered();
        await firstHolds;
        events.push('first out');
      });
      await entered;
      const second = store.withUserLock('user-1', async () => {
        events.push('second in');
      });
      // Another user's lock is not blocked by user-1's holder.
      await store.withUserLock('user-2', async () => {
        events.push('other user');
      });
      releaseFirst();
      await Promise.all([first, second]);
      expect(events).toEqual(['first in', 'other user', 'first out', 'second in']);
    });

    it('keeps answering lookups while many users hold provisioning locks', async () => {
      // A pool of 3 (PostgreSQL): provisioning may hold at most one connection, two stay free for lookups.
      await testStore.dispose();
      testStore = await createTestStore(kind, { max: 3 });
      const { store } = testStore;
      await store.withUserLock('user-0', (tx) => tx.insert(row(0)));
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holders = Array.from({ length: 6 }, (_, i) =>
        store.withUserLock(`user-${i + 1}`, () => held),
      );
      const lookups = await Promise.all(
        Array.from({ length: 10 }, () => store.findByAppUserId('user-0')),
      );
      expect(lookups.every((found) => found?.accountId === row(0).accountId)).toBe(true);
      release();
      await Promise.all(holders);
    });

    it('writes nothing when the work inside the lock fails', async () => {
      const { store } = testStore;
      await expect(
        store.withUserLock('user-1', async (tx) => {
          await tx.insert(row(1));
          throw new Error('platform went away');
        }),
      ).rejects.toThrow('platform went away');
      // PGlite writes each statement on its own (no transaction across the platform call), PostgreSQL rolls back.
      expect(await countRows(store)).toBe(kind === 'pglite' ? 1 : 0);
    });

    it('reports itself unavailable once closed', async () => {
      await testStore.dispose();
      testStore = await createTestStore(kind, { dedicated: true });
      const { store } = testStore;
      await store.ping();
      await store.close();
      const failure = await store.findByAppUserId('user-1').catch((error: unknown) => error);
      expect(isStoreUnavailableError(failure)).toBe(true);
    });
  });
});

describe.skipIf(!testDatabaseUrl)('PostgreSQL stores in several schemas of one database', () => {
  it('migrate and keep their rows apart', async () => {
    const connectionString = testDatabaseUrl as string;
    const schemas = [uniqueSchemaName(), uniqueSchemaName()];
    try {
      const stores = [];
      for (const schema of schemas)
        stores.push(await createPostgresStore({ connectionString, schema }));
      const [first, second] = stores as [AccountStore, AccountStore];
      await first.withUserLock('user-1', (tx) => tx.insert(row(1)));
      expect(await second.findByAppUserId('user-1')).toBeUndefined();
      await second.withUserLock('user-1', (tx) => tx.insert(row(1)));
      for (const store of stores) {
        expect(await countRows(store)).toBe(1);
        await store.close();
      }
    } finally {
      for (const schema of schemas) await dropSchema(connectionString, schema);
    }
  });
});

describe('store factories', () => {
  it('validate their options, naming the option', async () => {
    await expect(createPgliteStore({ dataDir: '' })).rejects.toThrow('`dataDir`');
    await expect(createPostgresStore({ connectionString: 'mysql://x' })).rejects.toThrow(
      '`connectionString`',
    );
    await expect(
      createPostgresStore({ connectionString: 'postgres://x/y', max: 1 }),
    ).rejects.toThrow('`max`');
    await expect(
      createPostgresStore({ connectionString: 'postgres://x/y', schema: 'a;drop' }),
    ).rejects.toThrow('`schema`');
  });

  it('report an unreachable PostgreSQL as StoreUnavailableError', async () => {
    const failure = await createPostgresStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      connectionTimeoutMs: 2000,
    }).catch((error: unknown) => error);
    expect(isStoreUnavailableError(failure)).toBe(true);
  });
});
