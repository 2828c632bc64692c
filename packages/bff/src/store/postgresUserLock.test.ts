import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  dropSchema,
  testDatabaseUrl,
  uniqueSchemaName,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { isStoreUnavailableError } from '../errors.js';
import type { AccountStore } from './AccountStore.js';
import { createPostgresStore } from './createPostgresStore.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('postgresUserLock');

describe.skipIf(!testDatabaseUrl)('PostgreSQL provisioning lock', () => {
  const url = testDatabaseUrl as string;
  const schema = uniqueSchemaName();
  let store: AccountStore;
  let other: pg.Client;
  beforeAll(async () => {
    store = await createPostgresStore({ connectionString: url, schema, lockTimeoutMs: 300 });
    other = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await other.connect();
  });
  afterAll(async () => {
    await other.end();
    await store.close();
    await dropSchema(url, schema);
  });

  it('excludes a holder of the lock key the previous version took (rolling deploys stay exactly-once)', async () => {
    await other.query('begin');
    // The previous version's statement, verbatim.
    await other.query(
      `select pg_advisory_xact_lock(hashtext(current_schema() || ':knewton-account:' || $1))`,
      ['old-version-user'],
    );
    const waited = store.withUserLock('old-version-user', async () => 'ran');
    await expect(waited).rejects.toSatisfy(isStoreUnavailableError);
    await other.query('rollback');
    expect(await store.withUserLock('old-version-user', async () => 'ran')).toBe('ran');
  });

  it.each([["o'brien"], ['back\\slash'], ["'; drop table knewton_accounts; --"], ['Łukasz 🦊']])(
    'locks, re-checks and writes (insert and COMMIT in one round trip) the user id %j as it is',
    async (appUserId) => {
      const row = {
        appUserId,
        externalId: `ext-${Buffer.from(appUserId).toString('hex')}`,
        keyVersion: 'v1',
        accountId: crypto.randomUUID(),
      };
      const written = await store.withUserLock(appUserId, async (tx) => {
        expect(await tx.findByAppUserId(appUserId)).toBeUndefined();
        // insertLast sends the values as escaped literals (one simple query with COMMIT).
        return tx.insertLast(row);
      });
      expect(written).toMatchObject(row);
      const again = await store.withUserLock(appUserId, (tx) => tx.findByAppUserId(appUserId));
      expect(again).toMatchObject(row);
      expect(await store.findByAppUserId(appUserId)).toMatchObject(row);
    },
  );

  it('writes nothing when the work fails after its insert, and frees the lock', async () => {
    const failing = store.withUserLock('rolled-back-user', async (tx) => {
      await tx.insert({
        appUserId: 'rolled-back-user',
        externalId: 'ext-rolled-back',
        keyVersion: 'v1',
        accountId: crypto.randomUUID(),
      });
      throw new Error('platform said no after all');
    });
    await expect(failing).rejects.toThrow('platform said no after all');
    expect(await store.findByAppUserId('rolled-back-user')).toBeUndefined();
    expect(await store.withUserLock('rolled-back-user', async () => 'free')).toBe('free');
  });
});
