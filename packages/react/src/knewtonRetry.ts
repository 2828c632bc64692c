import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';

/** The longest wait between two attempts, whatever `Retry-After` asks for. */
const maxRetryDelayMs = 30_000;

/** TanStack Query `retry`: only retryable failures (no answer, 5xx, 429), at most `limit` times. */
export const knewtonRetry =
  (limit = 3) =>
  (failureCount: number, error: KnewtonAccountError): boolean =>
    error.retryable && failureCount < limit;

/** TanStack Query `retryDelay`: the answer's `Retry-After` if it gave one, else 1 s, 2 s, 4 s... */
export const knewtonRetryDelay = (failureCount: number, error: KnewtonAccountError): number =>
  Math.min(error.retryAfterMs ?? 1000 * 2 ** failureCount, maxRetryDelayMs);
