import type { CreationSlots } from '../platform/createCreationSlots.js';

/**
 * Rough wait before the user `position` places from the head of the line is sent: none while the
 * pacing windows can start that many within `horizonMs`, else the rest at the ceiling's rate. It decides
 * whether a held ensure answers `queued` at once, and the `Retry-After` it gives.
 */
export function estimateCreationWaitMs(
  slots: CreationSlots,
  position: number,
  horizonMs: number,
): number {
  const startable = slots.accountsStartableWithin(horizonMs);
  if (position < startable) return 0;
  return horizonMs + ((position - startable + 1) / slots.accountsPerMinute()) * 60_000;
}

/** `Retry-After` seconds: at least 1, at most a minute (the client asks again and learns more). */
export function toRetryAfterSeconds(ms: number): number {
  return Math.min(60, Math.max(1, Math.ceil(ms / 1000)));
}
