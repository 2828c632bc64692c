import { type Clock, systemClock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { EventOutboxQueries } from '../store/eventOutboxQueries.js';

/** How often delivered events past the dedup window are pruned, and at most how many at a time. */
export const pruneEveryMs = 60_000;
const pruneBatch = 5_000;

export interface DeliveredPrunerOptions {
  outbox: EventOutboxQueries;
  /** How long a delivered event stays, so that its id sent again is recognised (the dedup window). */
  dedupWindowMs: number;
  logger: Logger;
  /** @default systemClock */
  clock?: Clock;
}

/**
 * Drops delivered events older than the dedup window, so the outbox does not grow with what it delivered:
 * a bounded batch at most once a minute per process (a window shorter than that, as long as the window).
 * Called at the start of every delivery pass; a failure is logged and the next call tries again.
 */
export function createDeliveredPruner(options: DeliveredPrunerOptions): () => Promise<void> {
  const { outbox, dedupWindowMs, logger } = options;
  const clock = options.clock ?? systemClock;
  const everyMs = Math.min(pruneEveryMs, dedupWindowMs);
  let prunedAt = Number.NEGATIVE_INFINITY;
  return async function pruneDelivered() {
    if (clock.now() - prunedAt < everyMs) return;
    prunedAt = clock.now();
    try {
      await outbox.pruneDelivered(dedupWindowMs, pruneBatch);
    } catch (error) {
      // Housekeeping: a failed prune must not fail the pass (and pause delivery).
      logger.warn({ reason: (error as Error).name }, 'pruning delivered learning events failed');
    }
  };
}
