import { type Clock, systemClock } from '../clock.js';
import type { EventOutboxQueries } from '../store/eventOutboxQueries.js';

/** How old the counted backlog may be before the next request counts again. */
const recountAfterMs = 1_000;
/**
 * How old a count may be to refuse a request: a request the estimate would refuse counts again first
 * (events may have been delivered since), at most this often, so a flood against a full outbox costs
 * one count per 100 ms per process.
 */
const refuseOnCountAtMostMs = 100;

export interface OutboxBound {
  /** Whether `incoming` more events would take the outbox past its bound (as last counted). */
  wouldOverflow(incoming: number): Promise<boolean>;
  /** This process stored `count` events: counted against the bound until the next recount. */
  accepted(count: number): void;
}

/**
 * The outbox's bound, cheap to check on every `POST /events`: counting the undelivered events costs as
 * much as the backlog is long, so one request a second counts (single flight) and the others use that
 * count plus what this process accepted since; a request that estimate would refuse counts afresh first
 * (at most every 100 ms), so a drained outbox takes events again at once. Several processes each see the
 * others' events only at their next recount, so the bound can be overshot by at most what they accept in a second: a bound
 * against runaway growth, not an exact quota.
 */
export function createOutboxBound(
  outbox: EventOutboxQueries,
  maxPending: number,
  clock: Clock = systemClock,
): OutboxBound {
  let counted = 0;
  let acceptedSince = 0;
  let countedAt = Number.NEGATIVE_INFINITY;
  let counting: Promise<void> | undefined;

  function recount(): Promise<void> {
    counting ??= (async () => {
      const acceptedBefore = acceptedSince;
      try {
        counted = await outbox.pendingCount();
        // What was accepted while counting may or may not be in the count: kept, to err on the full side.
        acceptedSince -= acceptedBefore;
        // From the count's end, not its start: a count of a long backlog can itself take 100 ms or more,
        // and timed from its start every refused request would count again at once, back to back.
        countedAt = clock.now();
      } finally {
        counting = undefined;
      }
    })();
    return counting;
  }

  return {
    async wouldOverflow(incoming) {
      if (clock.now() - countedAt >= recountAfterMs) await recount();
      const over = () => counted + acceptedSince + incoming > maxPending;
      if (over() && clock.now() - countedAt >= refuseOnCountAtMostMs) await recount();
      return over();
    },
    accepted(count) {
      acceptedSince += count;
    },
  };
}
