import {
  AccountStoreConflictError,
  KnewtonOptedOutError,
  KnewtonUnavailableError,
} from '../errors.js';
import { BatchUnavailableError } from '../platform/BatchUnavailableError.js';
import type { BatchItemOutcome, PlatformClient } from '../platform/createPlatformClient.js';
import type { PacerSlot } from '../platform/slidingWindowPacer.js';
import type { QueuedJob } from './CreationJob.js';
import { claimExternalIds } from './claimExternalIds.js';
import { type CreateDependencies, createSingle } from './createSingle.js';
import { repairLostCreate } from './repairLostCreate.js';
import { logAccountWritten, toProvisionedAccount } from './writeAccountRow.js';

interface PreparedItem {
  accountId: string;
  outcome: 'created' | 'repaired';
}

/**
 * Up to 50 users through one `POST /v0/batch`, in one transaction holding the store locks of all the
 * users it could lock at once (`withFreeUserLocks`). Users locked elsewhere (another process provisioning
 * them) leave the batch and take the single path, which waits for that lock and then finds the row.
 * Answers go out only after the commit: an answered account is a stored one.
 *
 * Resolves `'no batch endpoint'` with nothing created when the platform does not offer `/batch`: the
 * caller puts the users back in line. Any other failure of the call rejects, and fails every user.
 */
export async function createBatch(
  dependencies: CreateDependencies,
  jobs: QueuedJob[],
  slot: PacerSlot,
): Promise<'sent' | 'no batch endpoint'> {
  const { store, platform, logger } = dependencies;
  let busy: QueuedJob[] = [];
  const settled: Array<() => void> = [];
  try {
    await store.withFreeUserLocks(
      jobs.map((job) => job.appUserId),
      async (tx, locked) => {
        const lockedIds = new Set(locked);
        busy = jobs.filter((job) => !lockedIds.has(job.appUserId));
        // Opted out while in line: refused here, under the lock an opt-out takes too.
        const optedOut = new Set(await tx.findOptedOut([...lockedIds]));
        const mine: QueuedJob[] = [];
        for (const job of jobs) {
          if (!lockedIds.has(job.appUserId)) continue;
          if (optedOut.has(job.appUserId))
            settled.push(() => job.reject(new KnewtonOptedOutError()));
          else mine.push(job);
        }
        const rows = new Map(
          (await tx.findManyByAppUserIds(mine.map((job) => job.appUserId))).map((row) => [
            row.appUserId,
            row,
          ]),
        );
        const unmapped: QueuedJob[] = [];
        for (const job of mine) {
          const row = rows.get(job.appUserId);
          if (row)
            settled.push(() =>
              job.resolve({ account: toProvisionedAccount(row), outcome: 'existed' }),
            );
          else unmapped.push(job);
        }
        if (unmapped.length === 0) return;
        const refusals = await claimExternalIds(tx, unmapped);
        const toCreate: QueuedJob[] = [];
        unmapped.forEach((job, index) => {
          const refused = refusals[index];
          if (refused) settled.push(() => job.reject(refused));
          else toCreate.push(job);
        });
        if (toCreate.length === 0) return;
        const outcomes = await platform.createAccounts(
          toCreate.map((job) => job.externalId),
          toCreate[0]?.context,
          { slot },
        );
        // Repairs (scoped token requests) run side by side; the rows are then written in one statement:
        // one round trip on PostgreSQL, and one commit on PGlite, whose statements hold the event loop.
        const prepared = await Promise.all(
          toCreate.map((job, index) =>
            prepareItem(platform, job, outcomes[index] as BatchItemOutcome).then(
              (value) => ({ job, value }),
              (error: unknown) => ({ job, error }),
            ),
          ),
        );
        const writable: Array<{ job: QueuedJob; value: PreparedItem }> = [];
        for (const entry of prepared) {
          if ('error' in entry) settled.push(() => entry.job.reject(entry.error));
          else writable.push(entry);
        }
        if (writable.length === 0) return;
        // A mapping clash (broken mapper) fails its user only: the insert is `on conflict do nothing`,
        // so it does not abort the transaction. Any other store error ends the batch.
        const written = await tx.insertMany(
          writable.map(({ job, value }) => ({
            appUserId: job.appUserId,
            externalId: job.externalId,
            keyVersion: job.keyVersion,
            accountId: value.accountId,
          })),
        );
        writable.forEach(({ job, value }, index) => {
          const row = written[index];
          if (row === undefined || row instanceof AccountStoreConflictError) {
            settled.push(() => job.reject(row ?? new Error('the batch insert returned no row')));
            return;
          }
          logAccountWritten(logger, job, value.accountId, value.outcome);
          settled.push(() =>
            job.resolve({ account: toProvisionedAccount(row), outcome: value.outcome }),
          );
        });
      },
    );
  } catch (error) {
    slot.release();
    // Nothing was created; the client logged the switch once.
    if (error instanceof BatchUnavailableError) return 'no batch endpoint';
    throw error;
  }
  // Unsent when every user was stored already (after an answer, a no-op).
  slot.release();
  for (const answer of settled) answer();
  // Locked by another process: wait for its lock, then (almost always) find its row.
  await Promise.all(busy.map((job) => createSingle(dependencies, job, undefined)));
  return 'sent';
}

/** The account id of one batch item: created, or a lost earlier create repaired; refused items fail. */
async function prepareItem(
  platform: PlatformClient,
  job: QueuedJob,
  item: BatchItemOutcome,
): Promise<PreparedItem> {
  if (item.kind === 'created') return { accountId: item.accountId, outcome: 'created' };
  if (item.kind === 'duplicate')
    return { accountId: await repairLostCreate(platform, job), outcome: 'repaired' };
  throw new KnewtonUnavailableError(`Knewton POST /v0/batch: ${item.message}`, {
    status: item.status,
    retryAfterSeconds: 30,
  });
}
