import type { CreationSlots } from '../platform/createCreationSlots.js';
import { pacingSlackMs, perTokenWindowMs } from '../platform/platformLimits.js';

/**
 * Rough wait before the user `position` places from the head of the line is sent: none while the
 * pacing windows can start that many within `horizonMs`; else when the windows' earlier calls leave them
 * and free enough starts (with both windows spent that is up to a minute, however short the line), and
 * never less than the rest at the ceiling's rate. It decides whether a held ensure answers `queued` at
 * once, and the `Retry-After` it gives.
 */
export function estimateCreationWaitMs(
  slots: CreationSlots,
  position: number,
  horizonMs: number,
): number {
  const startable = slots.accountsStartableWithin(horizonMs);
  if (position < startable) return 0;
  const atCeilingMs = horizonMs + ((position - startable + 1) / slots.accountsPerMinute()) * 60_000;
  // The smallest horizon within one more window at which the place can start, to the millisecond.
  let low = horizonMs;
  let high = horizonMs + perTokenWindowMs + pacingSlackMs;
  if (slots.accountsStartableWithin(high) <= position) return atCeilingMs;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (slots.accountsStartableWithin(middle) > position) high = middle;
    else low = middle;
  }
  return Math.max(atCeilingMs, high);
}

/** `Retry-After` seconds: at least 1, at most a minute (the client asks again and learns more). */
export function toRetryAfterSeconds(ms: number): number {
  return Math.min(60, Math.max(1, Math.ceil(ms / 1000)));
}
