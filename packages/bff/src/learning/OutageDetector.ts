import { backoffDelayMs } from '../platform/backoff.js';

/** What a pass heard back so far: learners whose call the platform answered, and whose call failed. */
export interface PassAnswers {
  succeeded: number;
  failed: number;
}

/**
 * Whether the whole loop is paused, and for how long. Two learners failing in a pass with none getting
 * through is the platform being down (a store failure counts too): the loop pauses, longer after each such
 * pass in a row. While paused, a pass probes with one learner, so an outage costs about one call per pause
 * however many learners wait, and one failed probe is enough to stay paused.
 */
export class OutageDetector {
  #failedPasses = 0;

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Paused since a failed pass; passes then probe with one learner. */
  get paused(): boolean {
    return this.#failedPasses > 0;
  }

  /** Learners a pass delivers at once: `concurrency`, or one probe while paused. */
  passWidth(concurrency: number): number {
    return this.paused ? 1 : concurrency;
  }

  /** The platform counts as down from a pass's answers: the pass makes no further calls and fails. */
  isDown(answers: PassAnswers): boolean {
    return answers.failed >= (this.paused ? 1 : 2) && answers.succeeded === 0;
  }

  /**
   * A pass ended without failing. Only an answer from the platform ends a pause: a pass in which every
   * learner was waiting for their next call (or backing off, or claimed elsewhere) learnt nothing about it.
   */
  passEnded(reachedPlatform: boolean): void {
    if (reachedPlatform) this.#failedPasses = 0;
  }

  /** A pass failed (platform down, or the store failing): the pause before the next one. */
  passFailed(): number {
    this.#failedPasses++;
    return backoffDelayMs(this.#failedPasses, this.baseMs, this.capMs, this.random);
  }
}
