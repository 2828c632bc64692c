import type { ExternalIdMapper } from '../externalId/createExternalIdMapper.js';
import type { Logger } from '../logger.js';
import type { PlatformClient } from '../platform/createPlatformClient.js';
import type { AccountStore } from '../store/AccountStore.js';
import {
  beginErasure,
  findErasure,
  findRecordedExternalId,
  finishErasure,
  pendingErasures,
} from '../store/erasureQueries.js';
import type { ProvisioningContext } from './types.js';

/** `already erased`: a tombstone and nothing else (a rerun); `no account`: the user was never provisioned. */
export type ErasureOutcome = 'erased' | 'already erased' | 'no account';

export interface Eraser {
  /** Erases one learner (see `AccountProvisioner.eraseAccount`). */
  erase(appUserId: string, context?: ProvisioningContext): Promise<ErasureOutcome>;
  /**
   * Finishes erasures whose platform deletion was not confirmed (a crash, an outage): deletes each
   * account's registrations and then the account on the platform, and clears its tombstone. Needs no user lock (the tombstone holds no app user id, and
   * creates are refused while it is pending). Resolves with how many it finished.
   */
  finishPending(context?: ProvisioningContext): Promise<number>;
  /**
   * `finishPending` unless one is already running, its failure logged (the next sweep retries); the
   * promise to track, or `undefined` when one was running.
   */
  sweepInBackground(): Promise<void> | undefined;
}

/**
 * Erasure, exactly once and crash-safe, under the user's provisioning lock (so no create of the user runs
 * meanwhile, in this process or another over the same PostgreSQL):
 *
 * 1. Find the account: the mapping, or for a create whose answer was lost, its recorded external id
 *    looked up on the platform (a scoped token request).
 * 2. One store transaction: the tombstone (keyed by a keyed hash of the user id, next generation, the
 *    account and the learner's platform registration ids still to delete) is written and every row
 *    naming the user is deleted.
 * 3. `DELETE /v0/registrations/{id}` for each recorded registration, then `DELETE /v0/accounts/{id}`;
 *    a 404 (deleted before, its answer lost) counts as done, so a rerun repeats nothing the user sees.
 * 4. The tombstone forgets the account and registration ids, only once all are confirmed.
 *
 * A kill at any point leaves either the old state (before 2: the next call starts over) or a pending
 * tombstone, which the next erase of the user, an ensure (refused 503 meanwhile) or a restart finishes.
 */
export function createEraser(options: {
  store: AccountStore;
  platform: PlatformClient;
  mapper: ExternalIdMapper;
  logger: Logger;
}): Eraser {
  const { store, platform, mapper, logger } = options;
  const db = store.db;

  // Registrations first: they belong to the account, and the platform need not accept their deletion
  // under an account it has already deleted.
  async function deleteOnPlatform(
    erasure: { userKey: string; accountId: string; registrationIds: readonly string[] },
    context: ProvisioningContext | undefined,
  ): Promise<void> {
    const { userKey, accountId, registrationIds } = erasure;
    for (const registrationId of registrationIds) {
      await platform.deleteRegistration(registrationId, context);
    }
    const answer = await platform.deleteAccount(accountId, context);
    await finishErasure(db, userKey, accountId);
    logger.info(
      {
        accountId,
        registrations: registrationIds.length,
        requestId: context?.requestId,
        platform: answer,
      },
      'knewton account erased',
    );
  }

  let sweeping: Promise<void> | undefined;

  return {
    sweepInBackground() {
      if (sweeping) return undefined;
      sweeping = this.finishPending()
        .then(
          (finished) => {
            if (finished > 0) logger.info({ finished }, 'knewton pending erasures finished');
          },
          (error: unknown) =>
            logger.warn(
              { err: error instanceof Error ? error.message : String(error) },
              'knewton pending erasures not finished yet',
            ),
        )
        .finally(() => {
          sweeping = undefined;
        });
      return sweeping;
    },

    async erase(appUserId, context) {
      const userKeys = await mapper.userKeys(appUserId);
      return store.withUserLock(appUserId, async (tx) => {
        const row = await tx.findByAppUserId(appUserId);
        const tombstone = await findErasure(db, userKeys);
        if (tombstone?.accountId) {
          await deleteOnPlatform({ ...tombstone, accountId: tombstone.accountId }, context);
          if (!row) return 'erased';
        }
        let accountId = row?.accountId ?? null;
        let found = row !== undefined;
        if (!row) {
          const recorded = await findRecordedExternalId(db, appUserId);
          if (recorded !== undefined) {
            found = true;
            accountId = (await platform.findAccountIdByExternalId(recorded, context)) ?? null;
          }
        }
        if (!found) return tombstone ? 'already erased' : 'no account';
        const userKey = tombstone?.userKey ?? (userKeys[0] as string);
        const generation = (tombstone?.generation ?? 0) + 1;
        const registrationIds = await beginErasure(db, {
          appUserId,
          userKey,
          generation,
          accountId,
        });
        if (accountId !== null)
          await deleteOnPlatform({ userKey, accountId, registrationIds }, context);
        return 'erased';
      });
    },

    async finishPending(context) {
      let finished = 0;
      for (;;) {
        const pending = await pendingErasures(db, 100);
        if (pending.length === 0) return finished;
        for (const erasure of pending) {
          await deleteOnPlatform(erasure, context);
          finished++;
        }
      }
    },
  };
}
