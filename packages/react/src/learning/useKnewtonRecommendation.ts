'use client';

import type { RecommendationResponse } from '@knewton-kit/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { KnewtonAccountId } from '../KnewtonAccountId.js';
import { useKnewtonContext } from '../KnewtonProvider.js';
import { knewtonBackoff } from '../knewtonBackoff.js';
import { knewtonFailures } from '../knewtonFailures.js';
import { fetchKnewtonRecommendation } from './fetchKnewtonRecommendation.js';
import type { KnewtonRecommendationError } from './KnewtonRecommendationError.js';
import { knewtonRecommendationQueryKey } from './knewtonRecommendationQueryKey.js';

/** The signed-in learner's recommendation, as a union TypeScript narrows on `status`. */
export type UseKnewtonRecommendationResult =
  | { status: 'pending' }
  | {
      status: 'ready';
      recommendation: RecommendationResponse;
      /**
       * Set while the latest refresh failed (the kit keeps asking); `recommendation` is then the last
       * one that arrived, which a page may prefer to hide.
       */
      refreshError: KnewtonRecommendationError | undefined;
    }
  | {
      status: 'error';
      error: KnewtonRecommendationError;
      /** Asks again now; the state stays `error` until a recommendation arrives. */
      retry: () => void;
    };

/**
 * The platform's next modules for the signed-in learner (`GET {baseUrl}/recommendation`). Takes the
 * ready account's id, as `useKnewtonAccount()` or `<KnewtonGate>` give it: there is no recommendation
 * before the account exists, so a bare string or a possibly missing id is a type error.
 *
 * States only move forward, like the account's: `pending`, then `error` after the last failed retry
 * (network, 5xx and 429 are retried, honouring `Retry-After`; a 404 `account_not_found` is not), then
 * `ready`. In the error state, and after a failed refresh, it keeps asking after `Retry-After` or a
 * backoff, not while the page is hidden. `useKnewtonEvents()` refreshes it after events were accepted.
 */
export function useKnewtonRecommendation(
  accountId: KnewtonAccountId,
): UseKnewtonRecommendationResult {
  const input = useKnewtonContext();
  const client = useQueryClient();
  const limit = input.retry ?? 3;
  // The account id in the key too: were the user's account ever replaced, its answer is not reused.
  const queryKey = [...knewtonRecommendationQueryKey(input.userId), accountId];
  // TanStack Query reports a refetch of a query without data as `pending` with no error; the kit's
  // failure store keeps the error it reached on screen instead, as the account hook does.
  const knownFailures = knewtonFailures(client);
  const shownError = () => knownFailures.get(queryKey) as KnewtonRecommendationError | undefined;
  const failure = useSyncExternalStore(knownFailures.subscribe, shownError, shownError);
  const { data, error, refetch } = useQuery({
    queryKey,
    queryFn: () => fetchKnewtonRecommendation(input),
    // Events refresh it (see `useKnewtonEvents`); otherwise a minute-old pick is still a good one,
    // and the BFF may ask the platform only 15 times a minute per learner.
    staleTime: 60_000,
    retry: (failures, failure: KnewtonRecommendationError) => failure.retryable && failures < limit,
    // `Retry-After` in full: the BFF's per-learner budget or the platform's outage will not be over
    // sooner, and the route is paced at 15 a minute.
    retryDelay: knewtonBackoff,
    // After the retries, one refetch at a time until an answer: paused while the page is hidden
    // (TanStack Query's `refetchIntervalInBackground` is off), and never for a 4xx that will not pass.
    refetchInterval: (query) => {
      const failure = query.state.error;
      return failure?.retryable ? knewtonBackoff(query.state.errorUpdateCount, failure) : false;
    },
    // The panel renders an error state instead; a host default must not send it to a boundary.
    throwOnError: false,
    placeholderData: undefined,
  });
  if (data !== undefined) {
    return { status: 'ready', recommendation: data, refreshError: error ?? undefined };
  }
  if (failure) return { status: 'error', error: failure, retry: () => void refetch() };
  return { status: 'pending' };
}
