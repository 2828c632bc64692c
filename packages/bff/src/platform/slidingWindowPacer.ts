/**
 * Client-side pacing: at most `limit` starts in any `windowMs`. A sliding window (not a token bucket) so
 * bursts up to the limit go out at once, yet no window of the platform's length ever sees more than the
 * limit, whichever way the platform aligns its own windows.
 */
export class SlidingWindowPacer {
  readonly #starts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when one more request may start (and counts it). */
  async take(): Promise<void> {
    // Bounded: each pass either returns or sleeps until the oldest start leaves the window.
    for (let pass = 0; pass < 10_000; pass++) {
      const now = this.now();
      while (this.#starts.length > 0 && (this.#starts[0] as number) <= now - this.windowMs)
        this.#starts.shift();
      if (this.#starts.length < this.limit) {
        this.#starts.push(now);
        return;
      }
      const waitMs = (this.#starts[0] as number) + this.windowMs - now;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
    }
    throw new Error('Pacer gave up waiting for a slot');
  }
}
