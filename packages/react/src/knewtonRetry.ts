import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { knewtonBackoff } from './knewtonBackoff.js';

/**
 * The wait before the next attempt at the account: the back-off, never more than 10 s even after a
 * longer `Retry-After`, so a page notices the platform's return within 10 s.
 */
export const accountRetryDelay = (retries: number, error: KnewtonAccountError | undefined) =>
  Math.min(knewtonBackoff(retries, error), 10_000);

/**
 * TanStack Query's `retry` and `retryDelay` for the attempts before the error state: retryable
 * failures (no answer, 5xx, 429) at most `limit` times. After that the kit's recovery
 * (`watchKnewtonRecovery`) asks again, with the same delays.
 */
export const knewtonRetry = (limit: number) => ({
  retry: (failureCount: number, error: KnewtonAccountError) =>
    error.retryable && failureCount < limit,
  retryDelay: accountRetryDelay,
});
