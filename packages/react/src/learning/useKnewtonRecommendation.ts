'use client';

import type { RecommendationResponse } from '@knewton-kit/contract';
import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import type { KnewtonAccountError } from '../errors/KnewtonAccountError.js';
import type { KnewtonAccountId } from '../KnewtonAccountId.js';
import { useKnewtonContext } from '../KnewtonProvider.js';
import { knewtonRetryCapMs } from '../knewtonRetry.js';
import { fetchKnewtonRecommendation } from './fetchKnewtonRecommendation.js';
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
      refreshError: KnewtonAccountError | undefined;
    }
  | {
      status: 'error';
      error: KnewtonAccountError;
      /** Asks again now; the state stays `error` until a recommendation arrives. */
      retry: () => void;
    };

/**
 * How long to wait before asking again after `failures` failures: the answer's `Retry-After` in full
 * (the BFF's per-learner budget or the platform's outage will not be over sooner, and the route is
 * paced at 15 a minute), else 1 s, 2 s, 4 s… up to 10 s.
 */
export const recommendationRetryDelay = (failures: number, error: KnewtonAccountError) =>
  error.retryAfterMs ?? Math.min(1000 * 2 ** failures, knewtonRetryCapMs);

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
  const limit = input.retry ?? 3;
  const { data, error, errorUpdateCount, failureReason, refetch } = useQuery({
    // The account id in the key too: were the user's account ever replaced, its answer is not reused.
    queryKey: [...knewtonRecommendationQueryKey(input.userId), accountId],
    queryFn: () => fetchKnewtonRecommendation(input),
    // Events refresh it (see `useKnewtonEvents`); otherwise a minute-old pick is still a good one,
    // and the BFF may ask the platform only 15 times a minute per learner.
    staleTime: 60_000,
    retry: (failures, failure: KnewtonAccountError) => failure.retryable && failures < limit,
    retryDelay: recommendationRetryDelay,
    // After the retries, one refetch at a time until an answer: paused while the page is hidden
    // (TanStack Query's `refetchIntervalInBackground` is off), and never for a 4xx that will not pass.
    refetchInterval: (query) => {
      const failure = query.state.error;
      return failure?.retryable
        ? recommendationRetryDelay(query.state.errorUpdateCount, failure)
        : false;
    },
    // The panel renders an error state instead; a host default must not send it to a boundary.
    throwOnError: false,
    placeholderData: undefined,
  });
  // TanStack Query reports a refetch of a query without data as `pending` with no error; the kit
  // keeps showing the error it reached instead, as the account hook does.
  const shown = useRef<KnewtonAccountError>(undefined);
  if (error) shown.current = error;
  if (data !== undefined) {
    return { status: 'ready', recommendation: data, refreshError: error ?? undefined };
  }
  const failure = error ?? (errorUpdateCount > 0 ? (failureReason ?? shown.current) : undefined);
  if (failure) return { status: 'error', error: failure, retry: () => void refetch() };
  return { status: 'pending' };
}
