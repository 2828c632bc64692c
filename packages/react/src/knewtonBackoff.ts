import type { KnewtonError } from './errors/KnewtonError.js';

/**
 * How long to wait after `retries` earlier retries: the answer's `Retry-After` when it gave one (the
 * BFF knows when its budget or the platform is back), else 1 s, 2 s, 4 s… up to `maxMs`.
 */
export const knewtonBackoff = (
  retries: number,
  error: KnewtonError | undefined,
  maxMs = 10_000,
): number => error?.retryAfterMs ?? Math.min(1000 * 2 ** retries, maxMs);
