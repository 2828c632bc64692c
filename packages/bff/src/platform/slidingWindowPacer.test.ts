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
      pacer.take().then((slot) => {
        startedAt.push(Date.now());
        slot.answered();
      }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(takes);
    expect(startedAt).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
    // Any window of 1000 ms holds at most 3 starts.
    for (const start of startedAt) {
      expect(startedAt.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(3);
    }
  });

  it('holds a slot while its call is out and for a whole window after its answer', () => {
    const pacer = new SlidingWindowPacer(2, 1000);
    const a = pacer.tryTake();
    const b = pacer.tryTake();
    expect(a && b).toBeTruthy();
    expect(pacer.tryTake()).toBeUndefined();
    // Both out: nothing frees within a window, whatever the answers' timing.
    expect(pacer.freeWithin(999)).toBe(0);
    expect(pacer.nextFreeInMs()).toBe(1000);
    // `a` answered at 100 (it arrived some time before), `b` still out at 2000 (a slow connection).
    vi.setSystemTime(100);
    a?.answered();
    vi.setSystemTime(1099);
    expect(pacer.tryTake()).toBeUndefined();
    expect(pacer.nextFreeInMs()).toBe(1);
    vi.setSystemTime(1100);
    const c = pacer.tryTake();
    expect(c).toBeDefined();
    vi.setSystemTime(2000);
    // `b` may arrive any moment: its slot is still taken; `c` is still out too.
    expect(pacer.tryTake()).toBeUndefined();
    b?.answered();
    c?.answered();
    vi.setSystemTime(2999);
    expect(pacer.freeWithin(0)).toBe(0);
    expect(pacer.freeWithin(1)).toBe(2);
    vi.setSystemTime(3000);
    expect(pacer.tryTake()).toBeDefined();
  });

  it('frees a slot at once when its call was never sent, and counts each slot once', () => {
    const pacer = new SlidingWindowPacer(1, 1000);
    const unsent = pacer.tryTake();
    expect(pacer.tryTake()).toBeUndefined();
    unsent?.release();
    // A second word on the same slot changes nothing.
    unsent?.answered();
    const sent = pacer.tryTake();
    expect(sent).toBeDefined();
    sent?.answered();
    sent?.release();
    expect(pacer.tryTake()).toBeUndefined();
    vi.setSystemTime(1000);
    expect(pacer.tryTake()).toBeDefined();
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
