/**
 * Time as the BFF's timing code sees it: pacers, token expiry, back-off, the creation line's scheduler,
 * event delivery. Passed in rather than read from `Date.now` and `setTimeout`, so tests drive it with a
 * fake clock and a minute of platform pacing takes milliseconds.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms`; the handle is only ever passed back to `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** A pending timer; `unref` (where the clock has it) keeps it from holding the process open. */
export interface ClockTimer {
  unref?(): unknown;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** Waits `ms` on `clock`; resolves early (never rejects) when `signal` aborts, so the caller checks it next. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
