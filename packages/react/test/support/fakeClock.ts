import { notifyManager } from '@tanstack/react-query';
import { act } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Fake timers drive the backoff: no real waiting, and exact delays can be asserted. TanStack Query
 * hands results to React on a zero-delay timeout, which a fake clock would hold back (a timer set
 * while the clock ticks is due 1 ms later), so here it hands them over on a microtask instead.
 */
export function installFakeClock(options: { intervals?: boolean } = {}) {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: [
        'setTimeout',
        'clearTimeout',
        'Date',
        // TanStack Query's `refetchInterval` runs on `setInterval`.
        ...(options.intervals ? (['setInterval', 'clearInterval'] as const) : []),
      ],
    });
    notifyManager.setScheduler(queueMicrotask);
  });
  afterEach(() => {
    vi.useRealTimers();
    notifyManager.setScheduler((callback) => setTimeout(callback, 0));
  });
}

/** Moves the fake clock, running the timers due by then. */
export const advance = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

/**
 * Lets the work due now happen (an answer being delivered, a render) without moving the clock:
 * timers due at the current fake time, then one real turn of the event loop, until `condition`.
 */
export async function until(condition: () => boolean, hops = 200) {
  for (let hop = 0; hop < hops && !condition(); hop++) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
  }
  return condition();
}

/** Lets everything due now settle, with no condition to wait for. */
export const settle = () => until(() => false, 5);
