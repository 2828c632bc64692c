'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonAccountId } from './KnewtonAccountId.js';
import { useKnewtonContext } from './KnewtonProvider.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';
import { retryKnewtonAccount, watchKnewtonRecovery } from './watchKnewtonRecovery.js';

/** The signed-in user's Knewton account, as a union TypeScript narrows on `status`. */
export type UseKnewtonAccountResult =
  | { status: 'signed-out' }
  | { status: 'pending' }
  | { status: 'ready'; accountId: KnewtonAccountId }
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
  const { data, error, errorUpdateCount, failureReason } = useQuery(
    knewtonAccountQueryOptions(input),
  );
  // The state is derived here, not read off TanStack Query's `status`: a refetch of a query without
  // data (a host's `invalidateQueries()`, say) reports `pending` again, which would take the error
  // rendering off screen. Once the error state was reached, it holds until the id arrives.
  const shown = useRef<{ userId: string; error: KnewtonAccountError }>(undefined);
  if (userId !== undefined && error) shown.current = { userId, error };
  const failure =
    error ??
    (errorUpdateCount > 0
      ? (failureReason ?? (shown.current?.userId === userId ? shown.current?.error : undefined))
      : undefined);
  const failed = userId !== undefined && data === undefined && failure !== undefined;
  // Recovery by itself: while this user's account is in the error state, the kit keeps asking.
  // Keyed by user, not by `input`: the provider's settings object is new on every render and the
  // recovery must not restart (and push its next attempt back) each time.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(
    () => (failed ? watchKnewtonRecovery(client, input, userId) : undefined),
    [client, userId, failed],
  );
  if (userId === undefined) return { status: 'signed-out' };
  // Data first: a failed refetch keeps the id, and a gate that opened must not close.
  if (data !== undefined) return { status: 'ready', accountId: data as KnewtonAccountId };
  if (failed) {
    return { status: 'error', error: failure, retry: () => retryKnewtonAccount(client, userId) };
  }
  return { status: 'pending' };
}
