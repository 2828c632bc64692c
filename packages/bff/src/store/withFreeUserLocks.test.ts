import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  countRows,
  createTestStore,
  type StoreKind,
  storeKinds,
  type TestStore,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { AccountStoreConflictError } from '../errors.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('withFreeUserLocks');

const row = (n: number) => ({
  appUserId: `user-${n}`,
  externalId: `ext-${n}`,
  keyVersion: 'v1',
  accountId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
});

describe.each(storeKinds)('batch locks on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    let testStore: TestStore;
    beforeEach(async () => {
      testStore = await createTestStore(kind);
    });
    afterEach(async () => {
      await testStore.dispose();
    });

    it('skips users whose lock is held (never waits for them) and locks the rest', async () => {
      const { store } = testStore;
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let holding!: () => void;
      const isHolding = new Promise<void>((resolve) => {
        holding = resolve;
      });
      const single = store.withUserLock('user-2', async (tx) => {
        holding();
        await held;
        return tx.insert(row(2));
      });
      await isHolding;
      const locked = await store.withFreeUserLocks(
        ['user-1', 'user-2', 'user-3'],
        async (_tx, ids) => ids,
      );
      expect([...locked].sort()).toEqual(['user-1', 'user-3']);
      release();
      await single;
    });

    it('a second batch over the same users while the first holds them gets none of them', async () => {
      const { store } = testStore;
      const inner = await store.withFreeUserLocks(['user-1', 'user-2'], async (_tx, outer) => {
        expect([...outer].sort()).toEqual(['user-1', 'user-2']);
        // On PostgreSQL from another connection (another transaction), on PGlite the same mutex.
        return store.withFreeUserLocks(['user-1', 'user-2', 'user-5'], async (_t, ids) => ids);
      });
      expect(inner).toEqual(['user-5']);
    });

    it('writes a batch in one statement, reporting a clashing row without dropping the others', async () => {
      const { store } = testStore;
      await store.withUserLock('user-9', (tx) => tx.insert(row(9)));
      const results = await store.withFreeUserLocks(['user-1', 'user-2', 'user-3'], (tx) =>
        tx.insertMany([row(1), { ...row(2), externalId: 'ext-9' }, row(3)]),
      );
      expect(results[0]).toMatchObject({ appUserId: 'user-1', accountId: row(1).accountId });
      expect(results[1]).toBeInstanceOf(AccountStoreConflictError);
      expect(results[2]).toMatchObject({ appUserId: 'user-3' });
      expect(await countRows(store)).toBe(3);
      // Writing the same mappings again is harmless; the rows come back as they are.
      const again = await store.withFreeUserLocks(['user-1'], (tx) => tx.insertMany([row(1)]));
      expect(again[0]).toMatchObject({ appUserId: 'user-1' });
      const found = await store.withFreeUserLocks(['user-1', 'user-3', 'user-4'], (tx, ids) =>
        tx.findManyByAppUserIds(ids),
      );
      expect(found.map((r) => r.appUserId).sort()).toEqual(['user-1', 'user-3']);
    });
  });
});
