import { normalizeAppUserId } from '@knewton-kit/contract';
import type { Logger } from '../logger.js';
import type { AccountStore } from '../store/AccountStore.js';
import type { AccountProvisioner } from './types.js';

export interface OptOutFunctionsOptions {
  store: AccountStore;
  logger: Logger;
  /** Throws when the provisioner is closed. */
  checkOpen(): void;
  /** Counts the promise as in flight, so `close` waits for it. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Drops the users' accounts from the provisioner's memory. */
  forget(appUserIds: readonly string[]): void;
}

/**
 * The provisioner's `optOut`, `optIn` and `isOptedOut`. The store does the work under the user's lock
 * (`AccountStore.setOptedOut`); this only normalizes the id, forgets the account held in memory once the
 * opt-out committed, and logs the change (without the user id).
 */
export function createOptOutFunctions(
  options: OptOutFunctionsOptions,
): Pick<AccountProvisioner, 'optOut' | 'optIn' | 'isOptedOut'> {
  const { store, logger, checkOpen, track, forget } = options;
  return {
    async optOut(givenAppUserId, context) {
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      const change = await track(store.setOptedOut(appUserId, true));
      // After the commit: every lookup from here on reads the opt-out from the store.
      forget([appUserId]);
      if (change.changed) {
        logger.info(
          { requestId: context?.requestId, removedEvents: change.removedEvents },
          'knewton learner opted out',
        );
      }
      return change;
    },

    async optIn(givenAppUserId, context) {
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      const change = await track(store.setOptedOut(appUserId, false));
      if (change.changed)
        logger.info({ requestId: context?.requestId }, 'knewton learner opted back in');
      return change;
    },

    async isOptedOut(givenAppUserId) {
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      return track(store.isOptedOut(appUserId));
    },
  };
}
