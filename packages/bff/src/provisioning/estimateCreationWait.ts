import type { CreationSlots } from '../platform/createCreationSlots.js';
import { pacingSlackMs, perTokenWindowMs } from '../platform/platformLimits.js';

/** Past this the pacing windows have freed every answered slot; later starts go at the ceiling's rate. */
const windowReachMs = perTokenWindowMs + pacingSlackMs;

/**
 * Expected wait before the user `position` places from the head of the line is sent: none while the
 * pacing windows can start that many within `horizonMs`, else the moment the windows have freed enough
 * slots for that place (a window after each answer, so a herd beyond one window's budget waits for it to
 * slide), and past a whole window the rest at the ceiling's rate. It decides whether a held ensure
 * answers `queued` at once, and the `Retry-After` it gives, so a queued user asks about twice.
 */
export function estimateCreationWaitMs(
  slots: CreationSlots,
  position: number,
  horizonMs: number,
): number {
  if (position < slots.accountsStartableWithin(horizonMs)) return 0;
  let early = horizonMs;
  let late = horizonMs + windowReachMs;
  const startableInWindow = slots.accountsStartableWithin(late);
  if (position >= startableInWindow)
    return late + ((position - startableInWindow + 1) / slots.accountsPerMinute()) * 60_000;
  // Startable accounts only grow with the horizon: bisect to the millisecond (about 16 steps).
  while (late - early > 1) {
    const middle = (early + late) / 2;
    if (position < slots.accountsStartableWithin(middle)) late = middle;
    else early = middle;
  }
  return Math.ceil(late);
}

/** `Retry-After` seconds: at least 1, at most a minute (the client asks again and learns more). */
export function toRetryAfterSeconds(ms: number): number {
  return Math.min(60, Math.max(1, Math.ceil(ms / 1000)));
}
