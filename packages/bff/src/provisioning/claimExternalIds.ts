import { ErasureInProgressError } from '../errors.js';
import type { AccountStoreTransaction } from '../store/AccountStore.js';
import type { CreationJob } from './CreationJob.js';

/**
 * Under the users' locks, just before the platform call: records the external id each job will create
 * with (committed first, so a crash or a lost answer is repaired under that id however the keys changed
 * meanwhile) and switches a job to the id recorded earlier when there is one. A user erased since the id
 * was derived gets it derived again for the new generation; one whose erasure is not finished fails with
 * `ErasureInProgressError`. Resolves, per job in order, `undefined` when it may be sent, or the error that
 * fails that user alone.
 */
export async function claimExternalIds(
  tx: Pick<AccountStoreTransaction, 'recordExternalIds'>,
  jobs: readonly CreationJob[],
): Promise<Array<Error | undefined>> {
  const outcomes: Array<Error | undefined> = jobs.map(() => undefined);
  let pending = jobs.map((job, index) => ({ job, index }));
  // Twice at most: an erasure that finished between the derivation and the lock moves the generation on.
  for (let round = 0; round < 2 && pending.length > 0; round++) {
    const results = await tx.recordExternalIds(
      pending.map(({ job }) => ({
        appUserId: job.appUserId,
        externalId: job.externalId,
        keyVersion: job.keyVersion,
        generation: job.identity?.generation ?? 0,
        userKeys: job.identity?.userKeys ?? [],
      })),
    );
    const again: typeof pending = [];
    for (const [position, entry] of pending.entries()) {
      const result = results[position];
      if (result === undefined)
        outcomes[entry.index] = new Error('recording the external id returned no row');
      else if (result instanceof Error) outcomes[entry.index] = result;
      else if ('erasing' in result) outcomes[entry.index] = new ErasureInProgressError();
      else if ('externalId' in result) {
        entry.job.externalId = result.externalId;
        entry.job.keyVersion = result.keyVersion;
      } else if (entry.job.identity && round === 0) {
        const { generation } = result;
        try {
          const derived = await entry.job.identity.derive(generation);
          entry.job.identity = { ...entry.job.identity, generation };
          entry.job.externalId = derived.externalId;
          entry.job.keyVersion = derived.keyVersion;
          again.push(entry);
        } catch (error) {
          outcomes[entry.index] = error instanceof Error ? error : new Error(String(error));
        }
      } else outcomes[entry.index] = new ErasureInProgressError();
    }
    pending = again;
  }
  return outcomes;
}
