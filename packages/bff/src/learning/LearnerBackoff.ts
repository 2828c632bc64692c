import { type Clock, systemClock } from '../clock.js';
import { backoffDelayMs } from '../platform/backoff.js';

/**
 * Learners whose own delivery failed (their registration refused, 5xx or 429 for their calls): each waits
 * alone, longer after each failure in a row, while the others keep being delivered. A learner's count
 * starts again only once a call of theirs is answered.
 */
export class LearnerBackoff {
  readonly #learners = new Map<string, { failures: number; until: number }>();

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly clock: Clock = systemClock,
    private readonly random: () => number = Math.random,
  ) {}

  /** Counts a failure of the learner's delivery; how many in a row, and how long they now wait. */
  failed(appUserId: string): { failures: number; pauseMs: number } {
    const failures = (this.#learners.get(appUserId)?.failures ?? 0) + 1;
    const pauseMs = backoffDelayMs(failures, this.baseMs, this.capMs, this.random);
    this.#learners.set(appUserId, { failures, until: this.clock.now() + pauseMs });
    return { failures, pauseMs };
  }

  /** The platform answered a call of the learner's. */
  answered(appUserId: string): void {
    this.#learners.delete(appUserId);
  }

  /** Learners still backing off at `now`. */
  backingOff(now: number): string[] {
    const held: string[] = [];
    for (const [learner, { until }] of this.#learners) if (until > now) held.push(learner);
    return held;
  }
}
