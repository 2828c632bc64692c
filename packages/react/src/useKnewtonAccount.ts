'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonAccountId } from './KnewtonAccountId.js';
import { useKnewtonContext } from './KnewtonProvider.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';
import { knewtonFailures } from './knewtonFailures.js';
import { retryKnewtonAccount, watchKnewtonRecovery } from './watchKnewtonRecovery.js';

/** The signed-in user's Knewton account, as a union TypeScript narrows on `status`. */
export type UseKnewtonAccountResult =
  | { status: 'signed-out' }
  | { status: 'pending' }
  | { status: 'ready'; accountId: KnewtonAccountId }
  /**
   * The BFF answered 403 `knewton_opted_out`: the learner turned Knewton features off. Settled, not a
   * failure: nothing is retried or shown as an error; it ends when the account query is asked again
   * (`resetQueries`) after the learner opted back in.
   */
  | { status: 'opted-out' }
  | {
      status: 'error';
      error: KnewtonAccountError;
      /** Asks again now; the state stays `error` until the account is ready. */
      retry: () => void;
    };

/**
 * The signed-in user's account id. One request per user however many components call it, none when
 * bootstrapped or cached. Loading and failure are never reported as "no account", and for one user
 * the state only moves forward: `pending`, then `error` after the last failed attempt (while the kit
 * keeps trying in the background), then `ready`.
 */
export function useKnewtonAccount(): UseKnewtonAccountResult {
  const input = useKnewtonContext();
  const client = useQueryClient();
  const { userId } = input;
  const options = knewtonAccountQueryOptions(input);
  // Read from the kit's failure store, not TanStack Query's `status`: a query without data that is
  // asked again reports `pending`, which would take the error rendering off screen.
  const knownFailures = knewtonFailures(client);
  const shownError = () => knownFailures.get(options.queryKey) as KnewtonAccountError | undefined;
  const failure = useSyncExternalStore(knownFailures.subscribe, shownError, shownError);
  const { data } = useQuery({
    ...options,
    // In the error state the recovery paces the attempts, one request each.
    ...(failure && { retry: 0 }),
  });
  // Not retryable (a 403), so TanStack Query asked once; no recovery either: the answer will not change.
  const optedOut = failure?.code === 'knewton_opted_out';
  const failed = userId !== undefined && data === undefined && failure !== undefined && !optedOut;
  // Recovery by itself: while this user's account is in the error state, the kit keeps asking.
  useEffect(
    () => (failed && userId !== undefined ? watchKnewtonRecovery(client, userId) : undefined),
    [client, userId, failed],
  );
  if (userId === undefined) return { status: 'signed-out' };
  // Data first: a failed refetch keeps the id, and a gate that opened must not close.
  if (data !== undefined) return { status: 'ready', accountId: data as KnewtonAccountId };
  if (optedOut) return { status: 'opted-out' };
  if (failure) {
    return { status: 'error', error: failure, retry: () => retryKnewtonAccount(client, userId) };
  }
  return { status: 'pending' };
}
