import type { AccountStoreTransaction } from '../store/AccountStore.js';
import type { CreationJob } from './CreationJob.js';

/**
 * Under the users' locks, just before the platform call: records the external id each job will create
 * with (committed first, so a crash or a lost answer is repaired under that id however the keys changed
 * meanwhile) and switches a job to the id recorded earlier when there is one. Resolves, per job in
 * order, `undefined` when it may be sent, or the error that fails that user alone.
 */
export async function claimExternalIds(
  tx: Pick<AccountStoreTransaction, 'recordExternalIds'>,
  jobs: readonly CreationJob[],
): Promise<Array<Error | undefined>> {
  const recorded = await tx.recordExternalIds(
    jobs.map(({ appUserId, externalId, keyVersion }) => ({ appUserId, externalId, keyVersion })),
  );
  return jobs.map((job, index) => {
    const record = recorded[index];
    if (record === undefined) return new Error('recording the external id returned no row');
    if (record instanceof Error) return record;
    job.externalId = record.externalId;
    job.keyVersion = record.keyVersion;
    return undefined;
  });
}
