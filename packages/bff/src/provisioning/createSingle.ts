import { KnewtonOptedOutError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PlatformClient } from '../platform/createPlatformClient.js';
import type { PacerSlot } from '../platform/slidingWindowPacer.js';
import type { AccountStore } from '../store/AccountStore.js';
import type { QueuedJob } from './CreationJob.js';
import { claimExternalIds } from './claimExternalIds.js';
import { repairLostCreate } from './repairLostCreate.js';
import { toProvisionedAccount, writeAccountRow } from './writeAccountRow.js';

/** What a platform create needs around it. */
export interface CreateDependencies {
  platform: PlatformClient;
  store: AccountStore;
  logger: Logger;
}

/**
 * One user through `POST /v0/accounts` under its store lock (waiting for it when another process holds
 * it), re-checked under the lock, so a user is created once however many processes try, and never
 * after an opt-out (which takes the same lock) returned. Uses `slot` when
 * the line took one for it (the platform client answers it), else the client waits for its own.
 */
export async function createSingle(
  { platform, store, logger }: CreateDependencies,
  job: QueuedJob,
  slot: PacerSlot | undefined,
): Promise<void> {
  try {
    const result = await store.withUserLock(job.appUserId, async (tx) => {
      if (await tx.isOptedOut(job.appUserId)) throw new KnewtonOptedOutError();
      const raced = await tx.findByAppUserId(job.appUserId);
      if (raced) return { account: toProvisionedAccount(raced), outcome: 'existed' as const };
      const [refused] = await claimExternalIds(tx, [job]);
      if (refused) throw refused;
      const created = await platform.createAccount(
        job.externalId,
        job.context,
        slot ? { slot } : undefined,
      );
      if (created.kind === 'created')
        return writeAccountRow(tx, logger, job, created.accountId, 'created');
      return writeAccountRow(tx, logger, job, await repairLostCreate(platform, job), 'repaired');
    });
    job.resolve(result);
  } catch (error) {
    job.reject(error);
  } finally {
    // Not sent (the row was there, the store failed first): free at once, not held a window.
    slot?.release();
  }
}
