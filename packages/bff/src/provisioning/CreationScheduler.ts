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
 * Chooses how the line is sent: a single `POST /v0/accounts` or a `POST /v0/batch` of up to 50, and when
 * to look again once both windows are spent.
 */
export class CreationScheduler {
  readonly #slots: CreationSlots;
  readonly #wake: () => void;
  readonly #clock: Clock;
  #wakeTimer: ClockTimer | undefined;

  constructor(options: CreationSchedulerOptions) {
    this.#slots = options.slots;
    this.#wake = options.wake;
    this.#clock = options.clock ?? systemClock;
  }

  /** The next call for a line of `waiting` users, or `undefined` (then `wake` is called once a slot frees). */
  next(waiting: number): CreationCall | undefined {
    const slots = this.#slots;
    // Batch calls are the scarce budget (90 a minute against 750 singles) and carry 50 accounts each,
    // so a batch goes out full, or when the singles of this window are spent.
    const fullBatch = waiting >= maxBatchSize ? slots.tryTakeBatch() : undefined;
    if (fullBatch) return { kind: 'batch', size: maxBatchSize, slot: fullBatch };
    const single = slots.tryTakeSingle();
    if (single) return { kind: 'single', slot: single };
    const batch = slots.tryTakeBatch();
    if (batch) return { kind: 'batch', size: Math.min(maxBatchSize, waiting), slot: batch };
    this.#wakeAfter(slots.nextFreeInMs());
    return undefined;
  }

  /** A single create's slot if one is free right now; never waits, never sets a wake-up. */
  singleNow(): PacerSlot | undefined {
    return this.#slots.tryTakeSingle();
  }

  /** Cancels the pending wake-up. */
  stop(): void {
    if (this.#wakeTimer !== undefined) this.#clock.clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
  }

  #wakeAfter(ms: number): void {
    if (this.#wakeTimer !== undefined || !Number.isFinite(ms)) return;
    this.#wakeTimer = this.#clock.setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#wake();
    }, ms);
  }
}
