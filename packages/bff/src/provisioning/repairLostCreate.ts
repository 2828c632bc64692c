import { KnewtonUnavailableError } from '../errors.js';
import type { PlatformClient } from '../platform/createPlatformClient.js';
import type { CreationJob } from './CreationJob.js';

/**
 * The account id behind a 422 duplicate: an earlier create of this external id reached the platform but
 * its answer was lost, so a token request scoped to the external id finds the account it made.
 */
export async function repairLostCreate(
  platform: PlatformClient,
  job: Pick<CreationJob, 'externalId' | 'context'>,
): Promise<string> {
  const accountId = await platform.findAccountIdByExternalId(job.externalId, job.context);
  if (accountId === undefined) {
    throw new KnewtonUnavailableError(
      'Knewton reported a duplicate account but the scoped token found none',
      { retryAfterSeconds: 5 },
    );
  }
  return accountId;
}
