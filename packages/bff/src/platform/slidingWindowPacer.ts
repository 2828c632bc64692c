/**
 * Client-side pacing: at most `limit` starts in any `windowMs`. A sliding window (not a token bucket) so
 * bursts up to the limit go out at once, yet no window of the platform's length ever sees more than the
 * limit, whichever way the platform aligns its own windows.
 *
 * Written here rather than taken from a library (p-throttle, bottleneck) because the creation scheduler
 * needs to ask it questions those do not answer: may one start *now* without waiting (`tryTake`), and how
 * many starts will the window allow within the next few seconds (`freeWithin`, for the 202 decision).
 */
export class SlidingWindowPacer {
  readonly #starts: number[] = [];
  /** Starts counted by `tryTake` that `renew` has not moved yet, oldest first. */
  readonly #reserved: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  #expire(now: number): void {
    while (this.#starts.length > 0 && (this.#starts[0] as number) <= now - this.windowMs)
      this.#starts.shift();
    while (this.#reserved.length > 0 && (this.#reserved[0] as number) <= now - this.windowMs)
      this.#reserved.shift();
  }

  /** Counts one start if the window allows it right now; never waits. */
  tryTake(): boolean {
    const now = this.now();
    this.#expire(now);
    if (this.#starts.length >= this.limit) return false;
    this.#starts.push(now);
    this.#reserved.push(now);
    return true;
  }

  /**
   * Moves one counted start (taken earlier with `tryTake`) to now: a scheduler reserves its slot when it
   * decides, but the request leaves later (after the store lock); the platform counts its arrival, so the
   * window must count from when it actually leaves. Only ever later, so never more starts per window.
   */
  renew(): void {
    const now = this.now();
    this.#expire(now);
    // The reservation itself moves (the oldest still pending: all reservations count alike). Moving the
    // window's oldest start instead, as this once did, removed a start of the previous minute early and
    // kept the reservation counted as well: after the first minute a call could cost two starts of the
    // next one, and a backfill of 20,000 used only 72-73 of each later minute's 90 batch calls.
    const reservedAt = this.#reserved.shift();
    const index = reservedAt === undefined ? -1 : this.#starts.lastIndexOf(reservedAt);
    if (index >= 0) this.#starts.splice(index, 1);
    // A reservation that already left the window: count this start, still never above the limit.
    else if (this.#starts.length >= this.limit) this.#starts.shift();
    this.#starts.push(now);
  }

  /** Starts the window will allow from now until `horizonMs` from now (without counting any). */
  freeWithin(horizonMs: number): number {
    const now = this.now();
    this.#expire(now);
    const stillCounted = this.#starts.filter((start) => start > now + horizonMs - this.windowMs);
    return Math.max(0, this.limit - stillCounted.length);
  }

  /** Milliseconds until one more start is allowed (0 when one is allowed now). */
  nextFreeInMs(): number {
    const now = this.now();
    this.#expire(now);
    if (this.#starts.length < this.limit) return 0;
    return Math.max(1, (this.#starts[0] as number) + this.windowMs - now);
  }

  /** Resolves when one more request may start (and counts it). */
  async take(signal?: AbortSignal): Promise<void> {
    // Bounded: each pass either returns or sleeps until the oldest start leaves the window.
    for (let pass = 0; pass < 10_000; pass++) {
      signal?.throwIfAborted();
      if (this.tryTake()) {
        // Sent at once: not a reservation for `renew` to move.
        this.#reserved.pop();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.nextFreeInMs()));
    }
    throw new Error('Pacer gave up waiting for a slot');
  }
}
