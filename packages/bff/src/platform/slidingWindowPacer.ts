import { type Clock, sleep, systemClock } from '../clock.js';

/**
 * One call's place in a {@link SlidingWindowPacer}: taken before the call leaves, `answered()` once the
 * platform answered it (or it failed or timed out), `release()` if it was never sent. Both are idempotent;
 * the first one called decides.
 */
export interface PacerSlot {
  /** The call is over: its slot stays counted for one more window, from now. */
  answered(): void;
  /** The call was never sent: its slot is free at once. */
  release(): void;
}

/**
 * Client-side pacing: at most `limit` calls in any `windowMs`, counted the way the platform counts them.
 * The platform counts a call when it *arrives*, which the client never sees: it only knows the call left
 * after it took its slot and arrived before it was answered. So a slot is held while its call is out and
 * for a whole window after its answer. However long a busy event loop, a connection waiting to be read or
 * a starved platform process delays a call between leaving and arriving, no window of the platform's
 * length (however aligned) then sees more than `limit` arrivals; a slack counted from departure would
 * have to outlast every such delay.
 *
 * A sliding window, not a token bucket, so bursts up to the limit go out at once. Written here rather
 * than taken from a library (p-throttle, bottleneck) because those count starts, and because the creation
 * scheduler needs to ask it questions they do not answer: may one start *now* without waiting
 * (`tryTake`), and how many will the window allow within the next few seconds (`freeWithin`, for the 202
 * decision).
 */
export class SlidingWindowPacer {
  /** Calls out (taken, neither answered nor released). */
  #out = 0;
  /** When each answered call was answered, oldest first (pushed at `now`, so always in order). */
  readonly #answeredAt: number[] = [];
  #head = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): number {
    return this.clock.now();
  }

  #expire(now: number): void {
    const answeredAt = this.#answeredAt;
    while (
      this.#head < answeredAt.length &&
      (answeredAt[this.#head] as number) <= now - this.windowMs
    )
      this.#head++;
    // Compact now and then: a pacer lives as long as the process.
    if (this.#head > 1024 && this.#head * 2 > answeredAt.length) {
      answeredAt.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #counted(): number {
    return this.#out + this.#answeredAt.length - this.#head;
  }

  #slot(): PacerSlot {
    let open = true;
    return {
      answered: () => {
        if (!open) return;
        open = false;
        this.#out--;
        this.#answeredAt.push(this.now());
      },
      release: () => {
        if (!open) return;
        open = false;
        this.#out--;
      },
    };
  }

  /** A slot if the window allows one more call right now; never waits. */
  tryTake(): PacerSlot | undefined {
    this.#expire(this.now());
    if (this.#counted() >= this.limit) return undefined;
    this.#out++;
    return this.#slot();
  }

  /**
   * Calls the window will allow from now until `horizonMs` from now (without counting any): calls still
   * out free their slots a whole window after their answer, so none within a horizon shorter than that.
   */
  freeWithin(horizonMs: number): number {
    const now = this.now();
    this.#expire(now);
    let stillCounted = this.#out;
    for (let i = this.#head; i < this.#answeredAt.length; i++)
      if ((this.#answeredAt[i] as number) > now + horizonMs - this.windowMs) stillCounted++;
    return Math.max(0, this.limit - stillCounted);
  }

  /**
   * Milliseconds until one more call is allowed (0 when one is allowed now). With every slot held by a
   * call still out, a whole window: none frees sooner than that after its answer.
   */
  nextFreeInMs(): number {
    const now = this.now();
    this.#expire(now);
    if (this.#counted() < this.limit) return 0;
    const oldest = this.#answeredAt[this.#head];
    if (oldest === undefined) return this.windowMs;
    return Math.max(1, oldest + this.windowMs - now);
  }

  /** Resolves with a slot when one more call may start; rejects with the signal's reason once it aborts. */
  async take(signal?: AbortSignal): Promise<PacerSlot> {
    // Bounded: each pass either returns or sleeps until the oldest answered call leaves the window.
    for (let pass = 0; pass < 10_000; pass++) {
      signal?.throwIfAborted();
      const slot = this.tryTake();
      if (slot) return slot;
      await sleep(this.clock, this.nextFreeInMs(), signal);
    }
    throw new Error('Pacer gave up waiting for a slot');
  }
}
