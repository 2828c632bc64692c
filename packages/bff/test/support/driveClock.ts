import type { TestClock } from './createTestClock.js';

/**
 * Moves `clock` on in steps until `done` holds, letting real time pass between steps for what runs
 * on real time (the store, the simulator). Throws after `realTimeoutMs` of real time.
 */
export async function driveClockUntil(
  clock: TestClock,
  done: () => boolean | Promise<boolean>,
  { stepMs = 100, realTimeoutMs = 10_000 } = {},
): Promise<void> {
  const giveUpAt = performance.now() + realTimeoutMs;
  while (!(await done())) {
    if (performance.now() > giveUpAt)
      throw new Error(`driveClockUntil: not done after ${realTimeoutMs} ms of real time`);
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves with `promise`'s outcome, moving `clock` on (see `driveClockUntil`) until it settles. */
export async function settleOnClock<T>(
  clock: TestClock,
  promise: Promise<T>,
  options?: { stepMs?: number; realTimeoutMs?: number },
): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  await driveClockUntil(clock, () => settled, options);
  return watched;
}
