import { maxBatchEvents } from '../platform/platformLimits.js';

/**
 * Statuses that say something about the events themselves (a bad field): worth splitting the batch to
 * find the one at fault. Others (403, 404: the learner's registration or account) refuse any batch.
 */
const eventFaults = new Set([400, 422]);

/**
 * How many events a learner's next batch holds. A platform batch is all or nothing, so a batch refused
 * for a bad field is sent again in halves until the refused event is alone (then it alone is dead-lettered
 * and its neighbours are delivered): at most log2(500) + 1 = 10 calls per bad event, never an endless
 * retry. Each answered batch doubles the size back towards 500. In memory, per process: after a restart
 * a split starts over, which costs calls but never loses or duplicates an event.
 */
export class RefusalSplitting {
  readonly #sizes = new Map<string, number>();

  batchSize(appUserId: string): number {
    return this.#sizes.get(appUserId) ?? maxBatchEvents;
  }

  /** The platform refused `sent` events: the next size to try, or `undefined` to dead-letter them. */
  refused(appUserId: string, sent: number, status: number): number | undefined {
    if (sent <= 1 || !eventFaults.has(status)) {
      this.delivered(appUserId);
      return undefined;
    }
    const next = Math.ceil(sent / 2);
    this.#sizes.set(appUserId, next);
    return next;
  }

  /** The learner's batch went through (or was dead-lettered): grow back. */
  delivered(appUserId: string): void {
    const size = this.#sizes.get(appUserId);
    if (size === undefined) return;
    if (size * 2 >= maxBatchEvents) this.#sizes.delete(appUserId);
    else this.#sizes.set(appUserId, size * 2);
  }
}
