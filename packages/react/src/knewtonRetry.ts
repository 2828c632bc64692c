import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';

/** The longest wait between two attempts, so a page notices the platform's return within 10 s. */
export const knewtonRetryCapMs = 10_000;

/**
 * How long to wait before attempt `failures + 1`: the answer's `Retry-After` when it gave one, else
 * 1 s, 2 s, 4 s..., never longer than `knewtonRetryCapMs`.
 */
export const knewtonRetryDelay = (failures: number, error: KnewtonAccountError) =>
  Math.min(error.retryAfterMs ?? 1000 * 2 ** failures, knewtonRetryCapMs);

/**
 * TanStack Query's `retry` and `retryDelay` for the attempts before the error state: retryable
 * failures (no answer, 5xx, 429) at most `limit` times. After that the kit's background recovery
 * (`watchKnewtonRecovery`) keeps asking, with the same delays.
 */
export const knewtonRetry = (limit: number) => ({
  retry: (failureCount: number, error: KnewtonAccountError) =>
    error.retryable && failureCount < limit,
  retryDelay: knewtonRetryDelay,
});
