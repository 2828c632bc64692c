interface Window {
  startedAt: number;
  count: number;
}

const SWEEP_THRESHOLD = 10_000;

/**
 * Fixed-window counters: a window opens with the first request for a key and admits `limit`
 * requests until it closes. A refused request is not counted (on 429 nothing was processed).
 */
export class RateLimiter {
  readonly #windows = new Map<string, Window>();
  #longestWindowMs = 0;

  /** Counts a request for `key`; returns false when the window's limit is already reached. */
  tryAcquire(key: string, limit: number, windowMs: number, now: number): boolean {
    if (windowMs > this.#longestWindowMs) this.#longestWindowMs = windowMs;
    let window = this.#windows.get(key);
    if (!window || now - window.startedAt >= windowMs || now < window.startedAt) {
      if (!window && this.#windows.size >= SWEEP_THRESHOLD) this.#sweep(now);
      window = { startedAt: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= limit) return false;
    window.count++;
    return true;
  }

  reset(): void {
    this.#windows.clear();
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt >= this.#longestWindowMs) this.#windows.delete(key);
    }
  }
}
