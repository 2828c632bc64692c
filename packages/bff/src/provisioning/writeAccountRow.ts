import type { Logger } from '../logger.js';
import type { AccountRow, AccountStoreTransaction } from '../store/AccountStore.js';
import type { CreationJob, CreationResult } from './CreationJob.js';
import type { ProvisionedAccount } from './types.js';

export function toProvisionedAccount(row: AccountRow): ProvisionedAccount {
  return { accountId: row.accountId, createdAt: row.createdAt };
}

/**
 * Stores the user's account as the lock transaction's last statement: on PostgreSQL its insert and COMMIT
 * are one round trip. Nothing after `insertLast` may fail (the log call never throws).
 */
export async function writeAccountRow(
  tx: AccountStoreTransaction,
  logger: Logger,
  job: CreationJob,
  accountId: string,
  outcome: 'created' | 'repaired',
): Promise<CreationResult> {
  const row = await tx.insertLast({
    appUserId: job.appUserId,
    externalId: job.externalId,
    keyVersion: job.keyVersion,
    accountId,
  });
  logAccountWritten(logger, job, accountId, outcome);
  return { account: toProvisionedAccount(row), outcome };
}

/** One line per stored account; a repair is a warning, since it means an earlier answer was lost. */
export function logAccountWritten(
  logger: Logger,
  job: CreationJob,
  accountId: string,
  outcome: 'created' | 'repaired',
): void {
  const requestId = job.context?.requestId;
  if (outcome === 'created') logger.info({ accountId, requestId }, 'knewton account created');
  else logger.warn({ accountId, requestId }, 'knewton account recovered after a lost create');
}
