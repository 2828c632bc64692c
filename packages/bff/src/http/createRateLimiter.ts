export interface RateLimitOptions {
  /** Requests one user may make per window (also the burst size). @default 30 */
  requests: number;
  /** Length of the window in milliseconds. @default 10000 */
  windowMs: number;
}

export interface RateLimiter {
  /** Spends one request of `key`'s budget: `0` when allowed, else the seconds until one is available. */
  take(key: string): number;
}

/** Entries with a full bucket carry no information; they are swept once the map is this large. */
const sweepAt = 10_000;

/**
 * A token bucket per key (the app user id), refilled continuously: `requests` per `windowMs`, bursts up
 * to `requests`. Per process: behind several instances each enforces its own budget.
 */
export function createRateLimiter(
  options: RateLimitOptions,
  now: () => number = performance.now.bind(performance),
): RateLimiter {
  const { requests, windowMs } = options;
  const refillPerMs = requests / windowMs;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  // At most once per window, so a crowd of active users costs one pass per window, not one per request.
  function sweep(t: number): void {
    if (t - lastSweep < windowMs) return;
    lastSweep = t;
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (t - bucket.at) * refillPerMs >= requests) buckets.delete(key);
    }
  }

  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key);
      const tokens = bucket
        ? Math.min(requests, bucket.tokens + (t - bucket.at) * refillPerMs)
        : requests;
      if (tokens < 1) {
        if (bucket) Object.assign(bucket, { tokens, at: t });
        return Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000));
      }
      if (bucket) {
        // In place: a new object and a map write per request would be most of this function's cost.
        bucket.tokens = tokens - 1;
        bucket.at = t;
        return 0;
      }
      if (buckets.size >= sweepAt) sweep(t);
      buckets.set(key, { tokens: tokens - 1, at: t });
      return 0;
    },
  };
}
