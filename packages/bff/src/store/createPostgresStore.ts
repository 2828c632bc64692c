import { Kysely, PostgresDialect, type Selectable, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { AccountStoreConflictError, StoreUnavailableError } from '../errors.js';
import type { AccountStore, AccountStoreBatchTransaction } from './AccountStore.js';
import { findAccountByAppUserId, guardStore, insertAccount, pingStore } from './accountQueries.js';
import { describeCause } from './describeCause.js';
import { findAccountsByAppUserIds, insertAccounts } from './findAccountsByAppUserIds.js';
import { migrateToLatest } from './migrations.js';
import {
  findAccountAndOptOut,
  findOptedOut,
  findRecentOptOuts,
  isOptedOut,
  type OptOutTables,
} from './optOutQueries.js';
import { lockedTransaction, lockScript } from './postgresUserLock.js';
import { type ExternalIdClaim, recordExternalIds } from './recordExternalIds.js';
import type { AccountDatabase, KnewtonAccountTable } from './schema.js';
import { Semaphore } from './semaphore.js';
import { writeOptOutUnderPostgresLock } from './writeOptOutUnderPostgresLock.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database` */
  connectionString: string;
  /** Connections in the pool; at least 2 so lookups never wait behind provisioning. @default 10 */
  max?: number | undefined;
  /** Schema holding the tables, created if missing. @default undefined (the server's `search_path`) */
  schema?: string | undefined;
  /** How long an ensure waits for another process provisioning the same user. @default 30000 */
  lockTimeoutMs?: number | undefined;
  /** How long to wait for a pool connection before reporting the store unavailable. @default 5000 */
  connectionTimeoutMs?: number | undefined;
}

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function validate(
  options: PostgresStoreOptions,
): Required<Omit<PostgresStoreOptions, 'schema'>> & { schema?: string } {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`options` must be an object');
  const {
    connectionString,
    max = 10,
    schema,
    lockTimeoutMs = 30_000,
    connectionTimeoutMs = 5_000,
  } = options;
  if (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString)) {
    throw new TypeError('`connectionString` must be a postgres:// URL');
  }
  if (!Number.isInteger(max) || max < 2)
    throw new TypeError('`max` must be an integer of at least 2');
  if (schema !== undefined && (typeof schema !== 'string' || !identifierPattern.test(schema))) {
    throw new TypeError('`schema` must be a plain SQL identifier (letters, digits, underscore)');
  }
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 1)
    throw new TypeError('`lockTimeoutMs` must be a positive integer');
  if (!Number.isInteger(connectionTimeoutMs) || connectionTimeoutMs < 1) {
    throw new TypeError('`connectionTimeoutMs` must be a positive integer');
  }
  return { connectionString, max, schema, lockTimeoutMs, connectionTimeoutMs };
}

/**
 * Opens the PostgreSQL store through a `pg` pool and migrates it. Use it when several BFF processes share
 * one database: provisioning is serialized per user across all of them with a transaction-scoped advisory
 * lock, which PostgreSQL releases by itself if the holder crashes or its connection drops.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<AccountStore> {
  const { connectionString, max, schema, lockTimeoutMs, connectionTimeoutMs } = validate(options);
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: connectionTimeoutMs,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // A client losing its server (e.g. pg_terminate_backend) must not crash the host: idle clients report
  // through the pool's `error`, checked-out ones (a provisioning transaction waiting on the platform) emit
  // `error` on themselves. Either way the next query fails and is reported as the store being unavailable.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<AccountDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error instanceof StoreUnavailableError
      ? error
      : new StoreUnavailableError(
          `Opening the PostgreSQL account store failed: ${describeCause(error)}`,
          { cause: error },
        );
  }

  // A provisioning holds a pooled connection through its platform call (the advisory lock is tied to it).
  // Capped below the pool size so lookups always find a connection; the rest queue here, not in pg's pool
  // where they would starve lookups, and no holder needs a second connection, so the queue always drains.
  const provisioningSlots = new Semaphore(Math.max(1, max - 2));
  // On the pool, not the lock's connection: committed before the platform call (see AccountStore).
  const record = (claims: readonly ExternalIdClaim[]) =>
    guardStore('record', () => recordExternalIds(db, claims));

  /**
   * One Kysely transaction (the batch path): `lock` takes the advisory locks and builds the queries, `work`
   * runs under them (it calls the platform). Our own query failures become StoreUnavailableError; the
   * platform's or the mapper's errors pass through unchanged.
   */
  async function lockedKyselyTransaction<Tx, T>(
    lock: (trx: Transaction<AccountDatabase>) => Promise<Tx>,
    work: (tx: Tx) => Promise<T>,
  ): Promise<T> {
    let workFailure: { error: unknown } | undefined;
    try {
      return await db.transaction().execute(async (trx) => {
        const tx = await lock(trx);
        try {
          return await work(tx);
        } catch (error) {
          workFailure = { error };
          throw error;
        }
      });
    } catch (error) {
      throw lockTransactionFailure(error, workFailure);
    }
  }

  return {
    kind: 'postgres',
    db,
    findByAppUserId: (appUserId) =>
      guardStore('lookup', () => findAccountByAppUserId(db, appUserId)),
    withUserLock: (appUserId, work) =>
      provisioningSlots.run(async () => {
        let client: pg.PoolClient;
        try {
          client = await pool.connect();
        } catch (error) {
          throw new StoreUnavailableError('Account store transaction failed', { cause: error });
        }
        let workFailure: { error: unknown } | undefined;
        let broken: unknown;
        try {
          // BEGIN; SET LOCAL lock_timeout; the advisory lock; the re-check: one round trip.
          const results = (await client.query(
            lockScript(appUserId, lockTimeoutMs),
          )) as unknown as pg.QueryResult<Selectable<KnewtonAccountTable>>[];
          const state = { committed: false };
          const optedOut = (results[4]?.rowCount ?? 0) > 0;
          const tx = {
            ...lockedTransaction(client, appUserId, results[3]?.rows[0], optedOut, state),
            recordExternalIds: record,
          };
          let result: Awaited<ReturnType<typeof work>>;
          try {
            result = await work(tx);
          } catch (error) {
            workFailure = { error };
            throw error;
          }
          if (!state.committed) await client.query('commit');
          return result;
        } catch (error) {
          // Whatever failed, nothing of this transaction may stay: roll back, or drop the connection.
          await client.query('rollback').catch((rollbackError: unknown) => {
            broken = rollbackError;
          });
          throw lockTransactionFailure(error, workFailure);
        } finally {
          // A connection whose rollback failed is in an unknown state: destroyed, not returned to the pool.
          client.release(
            broken instanceof Error ? broken : broken === undefined ? undefined : true,
          );
        }
      }),
    withFreeUserLocks: (appUserIds, work) =>
      provisioningSlots.run(() => {
        let locked: string[] = [];
        return lockedKyselyTransaction(
          async (trx) => {
            // One statement, one connection: try (never wait for) the same advisory lock the single
            // path takes, for every user of the batch. Skipped users are being provisioned elsewhere.
            const { rows } = await sql<{
              id: string;
              locked: boolean;
            }>`select id, pg_try_advisory_xact_lock(hashtext(current_schema() || ':knewton-account:' || id)) as locked from unnest(${[...new Set(appUserIds)]}::text[]) as ids(id)`.execute(
              trx,
            );
            locked = rows.filter((row) => row.locked).map((row) => row.id);
            const tx: AccountStoreBatchTransaction = {
              // Lost connections mid-batch are the store being unavailable, as on the single path.
              findByAppUserId: (id) => guardStore('lookup', () => findAccountByAppUserId(trx, id)),
              findManyByAppUserIds: (ids) =>
                guardStore('lookup', () => findAccountsByAppUserIds(trx, ids)),
              isOptedOut: (id) =>
                guardStore('lookup', () => isOptedOut(trx.withTables<OptOutTables>(), id)),
              findOptedOut: (ids) =>
                guardStore('lookup', () => findOptedOut(trx.withTables<OptOutTables>(), ids)),
              insert: (row) => guardStore('insert', () => insertAccount(trx, row)),
              // The batch's transaction commits when its work returns.
              insertLast: (row) => guardStore('insert', () => insertAccount(trx, row)),
              insertMany: (rows) => guardStore('insert', () => insertAccounts(trx, rows)),
              recordExternalIds: record,
            };
            return tx;
          },
          (tx) => work(tx, locked),
        );
      }),
    isOptedOut: (appUserId) =>
      guardStore('lookup', () => isOptedOut(db.withTables<OptOutTables>(), appUserId)),
    findUser: (appUserId) => guardStore('lookup', () => findAccountAndOptOut(db, appUserId)),
    setOptedOut: (appUserId, optedOut) =>
      guardStore('opt-out write', () =>
        writeOptOutUnderPostgresLock(db, appUserId, optedOut, lockTimeoutMs).catch(
          (error: unknown) => {
            throw lockTransactionFailure(error, undefined);
          },
        ),
      ),
    findRecentOptOuts: (withinMs) =>
      guardStore('lookup', () => findRecentOptOuts(db.withTables<OptOutTables>(), withinMs)),
    ping: () => guardStore('ping', () => pingStore(db)),
    async close() {
      await db.destroy();
    },
  };
}

/**
 * What a failed lock transaction (single or batch path) throws. A failure of `work` passes through as it
 * is (the platform's or the mapper's errors, a mapping conflict), except our own queries' failures, which
 * are the store being unavailable; a `lock_timeout` is another process provisioning the same user; any
 * other failure of the transaction itself is the store being unavailable.
 */
function lockTransactionFailure(
  error: unknown,
  workFailure: { error: unknown } | undefined,
): unknown {
  if (workFailure && workFailure.error === error) {
    if (error instanceof AccountStoreConflictError) return error;
    if (isPgError(error))
      return new StoreUnavailableError('Account store query failed', { cause: error });
    return error;
  }
  if (isPgError(error) && error.code === '55P03') {
    return new StoreUnavailableError(
      'Timed out waiting for another process provisioning the same user',
      {
        cause: error,
        retryAfterSeconds: 2,
      },
    );
  }
  return new StoreUnavailableError('Account store transaction failed', { cause: error });
}

function isPgError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof pg.DatabaseError ||
    (error instanceof Error && typeof (error as { code?: unknown }).code === 'string')
  );
}
