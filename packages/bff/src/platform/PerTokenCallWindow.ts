import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '../clock.js';

/**
 * Per-key sliding windows: at most `limit` calls per key in any `windowMs`, decided at once (no waiting),
 * for limits that apply per learner token (15 recommendations a minute). A sliding window, like
 * `SlidingWindowPacer`, so no platform window of that length, however aligned, sees more than the limit.
 * Keys idle for a whole window carry no information and age out of a bounded LRU.
 */
export class PerTokenCallWindow {
  readonly #starts: LRUCache<string, number[]>;
  readonly #now: () => number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    maxKeys = 10_000,
    clock: Clock = systemClock,
  ) {
    this.#now = () => clock.now();
    this.#starts = new LRUCache({
      max: maxKeys,
      ttl: windowMs,
      ttlAutopurge: false,
      perf: { now: this.#now },
    });
  }

  /** Counts one call of `key` and returns 0, or returns the milliseconds until one is allowed. */
  tryTake(key: string): number {
    const now = this.#now();
    const starts = (this.#starts.get(key) ?? []).filter((start) => start > now - this.windowMs);
    if (starts.length >= this.limit) {
      this.#starts.set(key, starts);
      return Math.max(1, (starts[0] as number) + this.windowMs - now);
    }
    starts.push(now);
    this.#starts.set(key, starts);
    return 0;
  }
}
