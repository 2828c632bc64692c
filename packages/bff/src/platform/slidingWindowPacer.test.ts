import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs } from './backoff.js';
import { SlidingWindowPacer } from './slidingWindowPacer.js';

describe('SlidingWindowPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst up to the limit through, then starts no more than the limit per window', async () => {
    const pacer = new SlidingWindowPacer(3, 1000);
    const startedAt: number[] = [];
    const takes = Array.from({ length: 7 }, () =>
      pacer.take().then(() => startedAt.push(Date.now())),
    );
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(takes);
    expect(startedAt).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
    // Any window of 1000 ms holds at most 3 starts.
    for (const start of startedAt) {
      expect(startedAt.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(3);
    }
  });
});

describe('SlidingWindowPacer reservations', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts a reserved slot from when the request actually leaves (renew), never earlier', () => {
    const pacer = new SlidingWindowPacer(2, 1000);
    expect(pacer.tryTake()).toBe(true);
    expect(pacer.tryTake()).toBe(true);
    expect(pacer.tryTake()).toBe(false);
    expect(pacer.freeWithin(999)).toBe(0);
    expect(pacer.freeWithin(1000)).toBe(2);
    // The second reservation only leaves at 600 ms: the window frees one slot at 1000, the other at 1600.
    vi.setSystemTime(600);
    pacer.renew();
    vi.setSystemTime(1000);
    expect(pacer.tryTake()).toBe(true);
    expect(pacer.tryTake()).toBe(false);
    expect(pacer.nextFreeInMs()).toBe(600);
  });

  it('a renewed reservation moves its own start, not an older one: in a later window one call costs one start', () => {
    const pacer = new SlidingWindowPacer(2, 1000);
    pacer.tryTake();
    pacer.renew(); // A leaves at 0
    vi.setSystemTime(500);
    pacer.tryTake();
    pacer.renew(); // B leaves at 500
    vi.setSystemTime(1000); // A has left the window
    expect(pacer.tryTake()).toBe(true); // C reserved at 1000...
    vi.setSystemTime(1010);
    pacer.renew(); // ...leaves at 1010; B still counts until 1500
    vi.setSystemTime(1499);
    expect(pacer.tryTake()).toBe(false);
    vi.setSystemTime(1500);
    // B left the window: one start is free (moving B instead of C's own start would hold it until 2000).
    expect(pacer.tryTake()).toBe(true);
    expect(pacer.tryTake()).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially up to the cap, with at least half of each step kept', () => {
    expect(backoffDelayMs(1, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelayMs(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, 1000, () => 0)).toBe(200);
    expect(backoffDelayMs(10, 100, 1000, () => 1)).toBe(1000);
  });
});
