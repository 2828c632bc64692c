import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { backoffDelayMs } from './backoff.js';
import { SlidingWindowPacer } from './slidingWindowPacer.js';

describe('SlidingWindowPacer', () => {
  it('lets a burst up to the limit through, then starts no more than the limit per window', async () => {
    const clock = createTestClock(0);
    const pacer = new SlidingWindowPacer(3, 1000, clock);
    const startedAt: number[] = [];
    const takes = Array.from({ length: 7 }, () =>
      pacer.take().then((slot) => {
        startedAt.push(clock.now());
        slot.answered();
      }),
    );
    await clock.advance(5000);
    await Promise.all(takes);
    expect(startedAt).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  it('stops waiting when its signal aborts', async () => {
    const clock = createTestClock(0);
    const pacer = new SlidingWindowPacer(1, 1000, clock);
    pacer.tryTake();
    const shutdown = new AbortController();
    const waiting = pacer.take(shutdown.signal).catch((error: unknown) => error);
    await clock.advance(100);
    shutdown.abort(new Error('shutdown'));
    expect(await waiting).toMatchObject({ message: 'shutdown' });
    expect(clock.now()).toBe(100);
  });

  it('holds a slot while its call is out and for a whole window after its answer', () => {
    const clock = createTestClock(0);
    const at = (ms: number) => clock.advance(ms - clock.now());
    const pacer = new SlidingWindowPacer(2, 1000, clock);
    const a = pacer.tryTake();
    const b = pacer.tryTake();
    expect(a && b).toBeTruthy();
    expect(pacer.tryTake()).toBeUndefined();
    // Both out: nothing frees within a window, whatever the answers' timing.
    expect(pacer.freeWithin(999)).toBe(0);
    expect(pacer.nextFreeInMs()).toBe(1000);
    return (async () => {
      // `a` answered at 100 (it arrived some time before), `b` still out at 2000 (a slow connection).
      await at(100);
      a?.answered();
      await at(1099);
      expect(pacer.tryTake()).toBeUndefined();
      expect(pacer.nextFreeInMs()).toBe(1);
      await at(1100);
      const c = pacer.tryTake();
      expect(c).toBeDefined();
      await at(2000);
      // `b` may arrive any moment: its slot is still taken; `c` is still out too.
      expect(pacer.tryTake()).toBeUndefined();
      b?.answered();
      c?.answered();
      await at(2999);
      expect(pacer.freeWithin(0)).toBe(0);
      expect(pacer.freeWithin(1)).toBe(2);
      await at(3000);
      expect(pacer.tryTake()).toBeDefined();
    })();
  });

  it('frees a slot at once when its call was never sent, and counts each slot once', async () => {
    const clock = createTestClock(0);
    const pacer = new SlidingWindowPacer(1, 1000, clock);
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
    await clock.advance(1000);
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
