import pLimit from 'p-limit';
import type { Clock } from '../clock.js';
import { isKnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventOutboxQueries } from '../store/eventOutboxQueries.js';
import type { LearnerBatchOutcome } from './createLearnerBatchDelivery.js';
import type { LearnerBackoff } from './LearnerBackoff.js';
import type { LearnerCallWindows } from './LearnerCallWindows.js';
import type { OutageDetector, PassAnswers } from './OutageDetector.js';

export interface DeliveryPassDeps {
  outbox: EventOutboxQueries;
  deliverLearnerBatch(appUserId: string): Promise<LearnerBatchOutcome>;
  pruneDelivered(): Promise<void>;
  windows: LearnerCallWindows;
  backoff: LearnerBackoff;
  /** Learners registering in the background: skipped until done. */
  registering: ReadonlySet<string>;
  outage: OutageDetector;
  logger: Logger;
  clock: Clock;
  learnersPerPass: number;
  concurrency: number;
  /** Whether the loop was closed: learners not started yet are left for later. */
  closed(): boolean;
}

/** `busy` when the pass found learners to deliver, `reachedPlatform` when any call got an answer. */
export interface PassResult {
  busy: boolean;
  reachedPlatform: boolean;
}

/**
 * One delivery pass: prune, then take up to `learnersPerPass` learners with undelivered events (oldest
 * first), skipping those waiting for their next call or backing off, and deliver `concurrency` of them at
 * once (one while paused for an outage). Rejects when the store failed or the platform is down, which
 * pauses the loop.
 */
export function createDeliveryPass(deps: DeliveryPassDeps): () => Promise<PassResult> {
  const { outbox, windows, backoff, outage, logger, clock, learnersPerPass } = deps;

  return async function deliveryPass() {
    await deps.pruneDelivered();
    const now = clock.now();
    const held = new Set([
      ...windows.waiting(now),
      ...backoff.backingOff(now),
      ...deps.registering,
    ]);
    const learners = (await outbox.learnersWithPending(learnersPerPass + held.size))
      .filter((learner) => !held.has(learner))
      .slice(0, learnersPerPass);
    const answers: PassAnswers = { succeeded: 0, failed: 0 };
    let lastFailure: unknown;
    let storeFailure: unknown;
    const limit = pLimit(outage.passWidth(deps.concurrency));
    await Promise.all(
      learners.map((learner) =>
        limit(async () => {
          // The store failing is everyone's problem, and a platform that fails everyone is down: no
          // further calls in this pass.
          if (deps.closed() || storeFailure !== undefined || outage.isDown(answers)) return;
          try {
            // Only an answer counts as getting through; a learner not sent to says nothing of the platform.
            if ((await deps.deliverLearnerBatch(learner)).answered) {
              answers.succeeded++;
              backoff.answered(learner);
            }
          } catch (error) {
            if (!isKnewtonUnavailableError(error)) {
              storeFailure ??= error;
              return;
            }
            answers.failed++;
            lastFailure = error;
            const { failures, pauseMs } = backoff.failed(learner);
            logger.warn(
              { reason: 'knewton_unavailable', status: error.status, failures, pauseMs },
              "a learner's event delivery failed; that learner backs off",
            );
          }
        }),
      ),
    );
    if (storeFailure !== undefined) throw storeFailure;
    if (outage.isDown(answers)) throw lastFailure;
    return {
      busy: learners.length > 0,
      reachedPlatform: answers.succeeded > 0 || answers.failed > 0,
    };
  };
}
