import { type Kysely, sql } from 'kysely';
import {
  type OptOutChange,
  type OptOutTables,
  removeOptOut,
  writeOptOut,
} from './optOutQueries.js';
import { userLockSql } from './postgresUserLock.js';
import type { AccountDatabase } from './schema.js';

/**
 * Writes (`true`) or withdraws (`false`) a learner's opt-out in one transaction holding the user's
 * provisioning lock, the advisory lock every create takes: it waits for a create in flight for this user
 * in any process, and every create after the commit reads the opt-out under the same lock. Failures are
 * the caller's to map (a `lock_timeout` is another process provisioning the user).
 */
export function writeOptOutUnderPostgresLock(
  db: Kysely<AccountDatabase>,
  appUserId: string,
  optedOut: boolean,
  lockTimeoutMs: number,
): Promise<OptOutChange> {
  return db.transaction().execute(async (trx) => {
    // An integer validated at construction, so it can be inlined.
    await sql.raw(`set local lock_timeout = '${Math.trunc(lockTimeoutMs)}ms'`).execute(trx);
    await sql.raw(userLockSql(appUserId)).execute(trx);
    const tables = trx.withTables<OptOutTables>();
    return optedOut ? writeOptOut(tables, appUserId) : removeOptOut(tables, appUserId);
  });
}
