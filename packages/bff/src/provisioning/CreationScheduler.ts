import { type Clock, type ClockTimer, systemClock } from '../clock.js';
import type { CreationSlots } from '../platform/createCreationSlots.js';
import { maxBatchSize } from '../platform/platformLimits.js';
import type { PacerSlot } from '../platform/slidingWindowPacer.js';

/** One platform call the scheduler chose, with the pacing slot already taken for it. */
export type CreationCall =
  | { kind: 'single'; slot: PacerSlot }
  | { kind: 'batch'; size: number; slot: PacerSlot };

export interface CreationSchedulerOptions {
  /** The platform's pacing windows for `POST /v0/accounts` and `POST /v0/batch`. */
  slots: CreationSlots;
  /** Called when a slot should be free again after `next` found none. */
  wake: () => void;
  /** For tests. @default systemClock */
  clock?: Clock;
}

/**
 * Chooses how the line is sent: a single `POST /v0/accounts` or a `POST /v0/batch`, and when to look again.
 *
 * The policy, from the documented limits (`platformLimits`): singles allow 750 accounts a minute, batches
 * 90 calls of 50, 4,500. The batch calls are the scarce budget: one sent with 2 users spends a call that
 * could carry 50, and once the window's 90 are spent the line waits for it to slide. So:
 * - 50 or more waiting: a full batch (a single while the batch window is spent);
 * - fewer: singles while the single window has a slot (a short line goes out at once);
 * - fewer, singles spent: the line lingers for a fuller batch until its head has waited one batch
 *   interval (window ÷ 90, about 667 ms, well inside the hold), then goes as a partial batch. Partial
 *   batches are then at least an interval apart: on their own they never outrun the window's refill.
 */
export class CreationScheduler {
  readonly #slots: CreationSlots;
  readonly #wake: () => void;
  readonly #clock: Clock;
  #wakeTimer: ClockTimer | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;

  constructor(options: CreationSchedulerOptions) {
    this.#slots = options.slots;
    this.#wake = options.wake;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * The next call for a line of `waiting` users whose head joined `headWaitedMs` ago, or `undefined`
   * (then `wake` is called once a slot frees or the head has lingered long enough).
   */
  next(waiting: number, headWaitedMs: number): CreationCall | undefined {
    const slots = this.#slots;
    if (waiting >= maxBatchSize) {
      const full = slots.tryTakeBatch();
      if (full) return { kind: 'batch', size: maxBatchSize, slot: full };
    }
    const single = slots.tryTakeSingle();
    if (single) return { kind: 'single', slot: single };
    const batch = waiting < maxBatchSize ? slots.tryTakeBatch() : undefined;
    if (batch) {
      const lingerLeftMs = slots.batchIntervalMs - headWaitedMs;
      if (lingerLeftMs <= 0) return { kind: 'batch', size: waiting, slot: batch };
      // Not yet: the slot stays free for the fuller batch.
      batch.release();
      this.#wakeAfter(lingerLeftMs);
      return undefined;
    }
    this.#wakeAfter(slots.nextFreeInMs());
    return undefined;
  }

  /** A single create's slot if one is free right now; never waits, never sets a wake-up. */
  singleNow(): PacerSlot | undefined {
    return this.#slots.tryTakeSingle();
  }

  /** Cancels the pending wake-up. */
  stop(): void {
    this.#cancelWake();
  }

  #cancelWake(): void {
    if (this.#wakeTimer !== undefined) this.#clock.clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
  }

  /** One wake-up at a time, the earliest asked for. */
  #wakeAfter(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const at = this.#clock.now() + ms;
    if (at >= this.#wakeAt) return;
    this.#cancelWake();
    this.#wakeAt = at;
    this.#wakeTimer = this.#clock.setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#wakeAt = Number.POSITIVE_INFINITY;
      this.#wake();
    }, ms);
  }
}
