import type { CreationSlots } from '../platform/createCreationSlots.js';
import { maxBatchSize, pacingSlackMs, perTokenWindowMs } from '../platform/platformLimits.js';

/** Past this the pacing windows have freed every answered slot; later starts go at the ceiling's rate. */
const windowReachMs = perTokenWindowMs + pacingSlackMs;

/**
 * The bound on creates in flight (`maxConcurrentCreations`) as the estimate sees it: a new call starts
 * only when one of `max` call slots is free, and a call takes about `callMs`.
 */
export interface CallConcurrency {
  max: number;
  /** For each call in flight, milliseconds until it is expected to end (0 when overdue). */
  inFlightEndsInMs: readonly number[];
  /** How long a create call takes (recent average); 0 while unknown, which leaves the bound out. */
  callMs: number;
}

/** Calls the concurrency bound lets start within `horizonMs`. */
function callsStartableWithin(concurrency: CallConcurrency, horizonMs: number): number {
  const { max, inFlightEndsInMs, callMs } = concurrency;
  const slotsFreeAt = [
    ...Array.from({ length: Math.max(0, max - inFlightEndsInMs.length) }, () => 0),
    ...inFlightEndsInMs,
  ];
  let calls = 0;
  for (const freeAt of slotsFreeAt)
    if (freeAt <= horizonMs) calls += 1 + Math.floor((horizonMs - freeAt) / callMs);
  return calls;
}

/** Accounts the windows and the concurrency bound together start within `horizonMs`, batches first. */
function accountsStartableWithin(
  slots: CreationSlots,
  concurrency: CallConcurrency | undefined,
  horizonMs: number,
): number {
  if (concurrency === undefined || concurrency.callMs <= 0)
    return slots.accountsStartableWithin(horizonMs);
  const calls = callsStartableWithin(concurrency, horizonMs);
  const windows = slots.callsStartableWithin(horizonMs);
  const batches = Math.min(windows.batches, calls);
  return batches * maxBatchSize + Math.min(windows.singles, calls - batches);
}

/** Accounts a minute once the windows have slid: the ceiling, or less when the calls in flight bind. */
function accountsPerMinute(slots: CreationSlots, concurrency: CallConcurrency | undefined): number {
  if (concurrency === undefined || concurrency.callMs <= 0) return slots.accountsPerMinute();
  const calls = (concurrency.max * 60_000) / concurrency.callMs;
  const windows = slots.callsPerMinute();
  const batches = Math.min(windows.batches, calls);
  return batches * maxBatchSize + Math.min(windows.singles, calls - batches);
}

/**
 * Expected wait before the user `position` places from the head of the line is sent: none while the
 * pacing windows (and the free call slots, with `concurrency`) can start that many within `horizonMs`,
 * else the moment they have freed enough for that place (a window after each answer, so a herd beyond
 * one window's budget waits for it to slide; a call slot when a call in flight ends, so a slow platform
 * with every slot busy makes the line wait for it), and past a whole window the rest at the ceiling's
 * rate or the slots' rate, whichever is lower. It decides whether a held ensure answers `queued` at once,
 * and the `Retry-After` it gives, so a queued user asks about twice.
 */
export function estimateCreationWaitMs(
  slots: CreationSlots,
  position: number,
  horizonMs: number,
  concurrency?: CallConcurrency,
): number {
  const startable = (ms: number) => accountsStartableWithin(slots, concurrency, ms);
  if (position < startable(horizonMs)) return 0;
  let early = horizonMs;
  let late = horizonMs + windowReachMs;
  const startableInWindow = startable(late);
  if (position >= startableInWindow)
    return (
      late + ((position - startableInWindow + 1) / accountsPerMinute(slots, concurrency)) * 60_000
    );
  // Startable accounts only grow with the horizon: bisect to the millisecond (about 16 steps).
  while (late - early > 1) {
    const middle = (early + late) / 2;
    if (position < startable(middle)) late = middle;
    else early = middle;
  }
  return Math.ceil(late);
}

/** `Retry-After` seconds: at least 1, at most a minute (the client asks again and learns more). */
export function toRetryAfterSeconds(ms: number): number {
  return Math.min(60, Math.max(1, Math.ceil(ms / 1000)));
}
