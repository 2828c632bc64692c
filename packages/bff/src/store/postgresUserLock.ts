import type { Selectable } from 'kysely';
import type pg from 'pg';
import { AccountStoreConflictError } from '../errors.js';
import type { AccountRow, AccountStoreTransaction, NewAccountRow } from './AccountStore.js';
import { guardStore } from './accountQueries.js';
import { insertAccountSql, selectAccountSql, sqlLiteral, toAccountRow } from './accountSql.js';
import { selectOptOutSql } from './optOutQueries.js';
import type { KnewtonAccountTable } from './schema.js';

/**
 * The PostgreSQL provisioning lock in two round trips: BEGIN, `SET LOCAL lock_timeout`,
 * `pg_advisory_xact_lock` and the re-checks (the mapping, then the opt-out) as one simple query, then (after the platform call) the insert
 * with COMMIT (`insertLast`). Separate statements, because the re-check's snapshot must postdate the lock
 * wait to see the previous holder's row. The user id is a literal escaped by `pg`'s `escapeLiteral`.
 * The lock key (`hashtext(current_schema() || ':knewton-account:' || id)`) must never change: processes
 * of two versions must exclude each other during a rolling deploy.
 */
export function lockScript(appUserId: string, lockTimeoutMs: number): string {
  return [
    'begin',
    // An integer validated at construction, so it can be inlined.
    `set local lock_timeout = '${Math.trunc(lockTimeoutMs)}ms'`,
    userLockSql(appUserId),
    selectAccountSql(appUserId),
    selectOptOutSql(appUserId),
  ].join(';\n');
}

/** The user's provisioning lock, held until the transaction ends (`optOut` takes the same one). */
export function userLockSql(appUserId: string): string {
  return `select pg_advisory_xact_lock(hashtext(current_schema() || ':knewton-account:' || ${sqlLiteral(appUserId)}))`;
}

/** What `withUserLock` needs to know about a locked transaction once the work returned. */
export interface LockedTransactionState {
  /** `insertLast` already committed it (and released the lock with it). */
  committed: boolean;
}

/**
 * The transaction handed to the work while the lock is held, on the locked connection. The re-check's
 * answer is served once for the locked user (nothing can change it while the lock is held); the other
 * queries are the same simple statements (`accountSql`), sent on the same client.
 */
export function lockedTransaction(
  client: pg.PoolClient,
  appUserId: string,
  recheck: Selectable<KnewtonAccountTable> | undefined,
  optedOut: boolean,
  state: LockedTransactionState,
): Omit<AccountStoreTransaction, 'recordExternalIds'> {
  let prefetched = true;
  async function find(id: string): Promise<AccountRow | undefined> {
    if (prefetched && id === appUserId) {
      prefetched = false;
      return recheck ? toAccountRow(recheck) : undefined;
    }
    const result = await client.query<Selectable<KnewtonAccountTable>>(selectAccountSql(id));
    const row = result.rows[0];
    return row ? toAccountRow(row) : undefined;
  }
  async function insert(row: NewAccountRow): Promise<AccountRow> {
    prefetched = false;
    const result = await client.query<Selectable<KnewtonAccountTable>>(insertAccountSql(row));
    return checkInserted(row, result.rows[0]);
  }
  /**
   * The insert and COMMIT as one simple query (one round trip; PostgreSQL runs them in order and skips
   * COMMIT when the insert fails, which leaves the transaction aborted for `withUserLock` to roll back).
   */
  async function insertLast(row: NewAccountRow): Promise<AccountRow> {
    prefetched = false;
    const results = (await client.query(
      `${insertAccountSql(row)};\ncommit`,
    )) as unknown as pg.QueryResult<Selectable<KnewtonAccountTable>>[];
    state.committed = true;
    // A conflict's check reads outside the (committed) transaction: rows never change once written.
    return checkInserted(row, results[0]?.rows[0]);
  }
  async function checkInserted(
    row: NewAccountRow,
    inserted: Selectable<KnewtonAccountTable> | undefined,
  ): Promise<AccountRow> {
    if (inserted) return toAccountRow(inserted);
    // Same rule as the Kysely path (`insertAccount`): the same mapping again is harmless, any other
    // conflict means a broken mapper or a corrupted store.
    const existing = await find(row.appUserId);
    if (existing && existing.accountId === row.accountId && existing.externalId === row.externalId)
      return existing;
    throw new AccountStoreConflictError(
      'Account store conflict: the external id or account id is already mapped to another app user (check the external id mapper)',
    );
  }
  // A connection lost mid-transaction (pg_terminate_backend, a restart) is the store being unavailable
  // (503 with Retry-After), whatever pg's error looks like: some of its errors carry no code.
  return {
    findByAppUserId: (id) => guardStore('lookup', () => find(id)),
    // Nothing can change the locked user's opt-out while the lock is held (`optOut` takes it too).
    isOptedOut: (id) =>
      id === appUserId
        ? Promise.resolve(optedOut)
        : guardStore(
            'lookup',
            async () => (await client.query(selectOptOutSql(id))).rowCount === 1,
          ),
    insert: (row) => guardStore('insert', () => insert(row)),
    insertLast: (row) => guardStore('insert', () => insertLast(row)),
  };
}
