import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';

/**
 * TanStack Query's `retry` and `retryDelay`, the only retry layer: retryable failures (no answer,
 * 5xx, 429) at most `limit` times, after the answer's `Retry-After` or else 1 s, 2 s, 4 s..., never
 * longer than 30 s.
 */
export const knewtonRetry = (limit = 3) => ({
  retry: (failureCount: number, error: KnewtonAccountError) =>
    error.retryable && failureCount < limit,
  retryDelay: (failureCount: number, error: KnewtonAccountError) =>
    Math.min(error.retryAfterMs ?? 1000 * 2 ** failureCount, 30_000),
});
