import { type Clock, systemClock } from '../clock.js';
import { PerTokenCallWindow } from '../platform/PerTokenCallWindow.js';
import {
  departureSlackMs,
  eventCallsPerMinute,
  perTokenWindowMs,
} from '../platform/platformLimits.js';

const batchWindowMs = perTokenWindowMs + departureSlackMs;
/**
 * One call per 1/15 of the window at most (4,134 ms): spending the 15 calls as events arrive and then
 * waiting out the minute leaves a learner's later events waiting most of a minute; spread, at most ~4 s.
 */
export const batchSpacingMs = Math.ceil(batchWindowMs / eventCallsPerMinute);

/**
 * When each learner may next call `batch-events` with their own token: at least {@link batchSpacingMs}
 * after their last call and at most 15 calls in any 62 s. A learner told to wait is remembered until then,
 * so delivery passes skip them instead of claiming them for nothing.
 */
export class LearnerCallWindows {
  readonly #budget: PerTokenCallWindow;
  readonly #spacing: PerTokenCallWindow;
  /** Learners waiting for their next call, until when (clock ms). */
  readonly #waitingUntil = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {
    this.#budget = new PerTokenCallWindow(eventCallsPerMinute, batchWindowMs, 10_000, clock);
    this.#spacing = new PerTokenCallWindow(1, batchSpacingMs, 10_000, clock);
  }

  /**
   * Takes a call for the learner (keyed by the external id their token is for) and returns 0, or returns
   * how long they wait and remembers it.
   */
  tryTake(appUserId: string, externalId: string): number {
    // Spacing first: a spacing slot taken when the minute's budget then says no delays the learner by one
    // spacing, while the other order would spend one of the 15 calls on nothing.
    const waitMs = this.#spacing.tryTake(externalId) || this.#budget.tryTake(externalId);
    if (waitMs > 0) this.#waitingUntil.set(appUserId, this.clock.now() + waitMs);
    return waitMs;
  }

  /** Learners still waiting for their next call at `now`; those whose wait is over are forgotten. */
  waiting(now: number): string[] {
    for (const [learner, until] of this.#waitingUntil) {
      if (until <= now) this.#waitingUntil.delete(learner);
    }
    return [...this.#waitingUntil.keys()];
  }
}
