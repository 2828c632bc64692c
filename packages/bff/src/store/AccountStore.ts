import type { Kysely } from 'kysely';
import type { AccountStoreConflictError } from '../errors.js';
import type { OptOutChange } from './optOutQueries.js';
import type { ExternalIdClaim, ExternalIdClaimResult } from './recordExternalIds.js';
import type { AccountDatabase } from './schema.js';

/** One row of the mapping: an app user, its external id, and the Knewton account both name. */
export interface AccountRow {
  appUserId: string;
  externalId: string;
  keyVersion: string;
  accountId: string;
  createdAt: Date;
}

export type NewAccountRow = Omit<AccountRow, 'createdAt'>;

/** What the provisioning service can do while it holds a user's provisioning lock. */
export interface AccountStoreTransaction {
  findByAppUserId(appUserId: string): Promise<AccountRow | undefined>;
  /**
   * Whether the user opted out. Read under the lock, so an opt-out that returned before is seen and one
   * that had not committed yet waits for this work to end (it takes the same lock).
   */
  isOptedOut(appUserId: string): Promise<boolean>;
  /** Writes the mapping; throws if any of the three ids is already mapped to something else. */
  insert(row: NewAccountRow): Promise<AccountRow>;
  /**
   * `insert` as the work's last store call: the work must not fail after it (nothing is rolled back once
   * it resolved). On PostgreSQL's single-user lock the insert and COMMIT go to the server as one round
   * trip; elsewhere it is `insert`, committed when the work returns.
   */
  insertLast(row: NewAccountRow): Promise<AccountRow>;
  /**
   * Records, committed before it resolves (outside the lock's transaction), the external id each user's
   * create will be made with; per user, in order, the id to use: one recorded earlier wins (a create that
   * may have reached the platform, repaired under the key it was made with). See `recordExternalIds`.
   */
  recordExternalIds(claims: readonly ExternalIdClaim[]): Promise<ExternalIdClaimResult[]>;
}

/** What a batch of provisionings can do while it holds the locks of its users. */
export interface AccountStoreBatchTransaction extends AccountStoreTransaction {
  /** The rows of those of `appUserIds` that have one (in no particular order). */
  findManyByAppUserIds(appUserIds: readonly string[]): Promise<AccountRow[]>;
  /** Those of `appUserIds` who opted out (in no particular order). */
  findOptedOut(appUserIds: readonly string[]): Promise<string[]>;
  /**
   * Writes the mappings in one statement; per row, in order, the written (or identical existing) row, or
   * an `AccountStoreConflictError` when one of its ids is already mapped to something else.
   */
  insertMany(
    rows: readonly NewAccountRow[],
  ): Promise<Array<AccountRow | AccountStoreConflictError>>;
}

/**
 * The mapping from app users to Knewton accounts, on PGlite or PostgreSQL. Created by `createPgliteStore`
 * or `createPostgresStore`, both of which run the migrations before resolving.
 */
export interface AccountStore {
  readonly kind: 'pglite' | 'postgres';
  /** The Kysely instance over the store's schema (for host tooling and tests; rows are immutable). */
  readonly db: Kysely<AccountDatabase>;
  findByAppUserId(appUserId: string): Promise<AccountRow | undefined>;
  /**
   * Runs `work` while holding the provisioning lock of one app user, excluding every other holder of the
   * same lock in this process and (on PostgreSQL) in every process sharing the database.
   */
  withUserLock<T>(appUserId: string, work: (tx: AccountStoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs `work` holding the provisioning locks of those of `appUserIds` that nobody holds right now, and
   * passes their ids to it; users whose lock is taken (another process is provisioning them) are skipped,
   * never waited for, so two batches can never deadlock. On PostgreSQL: one transaction and one pooled
   * connection whatever the number of users (`pg_try_advisory_xact_lock` per user, released with it).
   */
  withFreeUserLocks<T>(
    appUserIds: readonly string[],
    work: (tx: AccountStoreBatchTransaction, locked: readonly string[]) => Promise<T>,
  ): Promise<T>;
  /** Whether the user opted out of Knewton features (not under the user's lock). */
  isOptedOut(appUserId: string): Promise<boolean>;
  /** `findByAppUserId` and `isOptedOut` at once (one query on PostgreSQL): an ensure's first look. */
  findUser(appUserId: string): Promise<{ row: AccountRow | undefined; optedOut: boolean }>;
  /**
   * Writes the user's opt-out (`true`) or withdraws it (`false`) under the user's provisioning lock: a
   * create in flight for the user finishes first, and every create after it sees the opt-out, in this
   * process and (on PostgreSQL) in every process sharing the database. Opting out deletes the user's
   * undelivered events in the same transaction.
   */
  setOptedOut(appUserId: string, optedOut: boolean): Promise<OptOutChange>;
  /** Users who opted out within the last `withinMs` (database time), for processes caching accounts. */
  findRecentOptOuts(withinMs: number): Promise<string[]>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
