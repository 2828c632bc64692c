import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { type CreationSlots, createCreationSlots } from '../platform/createCreationSlots.js';
import { estimateCreationWaitMs, toRetryAfterSeconds } from './estimateCreationWait.js';

/** Windows that free one account's slot at each of `freeAt` (ms from now), at `perMinute` after a window. */
const windows = (freeAt: number[], perMinute: number) =>
  ({
    accountsStartableWithin: (horizonMs: number) => freeAt.filter((at) => at <= horizonMs).length,
    accountsPerMinute: () => perMinute,
  }) as unknown as CreationSlots;

describe('estimateCreationWaitMs', () => {
  const tenNow = Array.from({ length: 10 }, () => 0);

  it('is 0 for a place the windows start within the horizon', () => {
    expect(estimateCreationWaitMs(windows(tenNow, 600), 0, 4_500)).toBe(0);
    expect(estimateCreationWaitMs(windows(tenNow, 600), 9, 4_500)).toBe(0);
  });

  it('beyond them: when the windows free the slot of that place, not sooner', () => {
    // A herd beyond the window's budget: the 11th place waits for the window to slide at 30 s.
    const sliding = windows([...tenNow, 30_000, 30_000, 45_000], 600);
    for (const [place, slidesAt] of [
      [10, 30_000],
      [11, 30_000],
      [12, 45_000],
    ] as const) {
      const wait = estimateCreationWaitMs(sliding, place, 4_500);
      expect(wait).toBeGreaterThanOrEqual(slidesAt);
      expect(wait).toBeLessThanOrEqual(slidesAt + 1);
    }
  });

  it('past a whole window: the places left at the ceiling rate', () => {
    // 600 a minute is one every 100 ms, counted from the end of the window after the horizon.
    expect(estimateCreationWaitMs(windows(tenNow, 600), 10, 4_500)).toBeCloseTo(
      4_500 + 60_020 + 100,
    );
    expect(estimateCreationWaitMs(windows(tenNow, 600), 19, 4_500)).toBeCloseTo(
      4_500 + 60_020 + 1_000,
    );
    expect(estimateCreationWaitMs(windows([], 1), 0, 0)).toBeCloseTo(60_020 + 60_000);
  });

  it('with both windows spent: until their calls leave the window, not the ceiling rate from the horizon', async () => {
    const clock = createTestClock();
    const { slots } = createCreationSlots(
      { accountCreatesPerMinute: 2, batchCallsPerMinute: 1, timeScale: 1 },
      clock,
    );
    for (const slot of [slots.tryTakeSingle(), slots.tryTakeSingle(), slots.tryTakeBatch()])
      slot?.answered();
    await clock.advance(5_000);
    // The three calls count until 60.02 s after their answers; the ceiling rate would say 5.65 s.
    const waitMs = estimateCreationWaitMs(slots, 0, 4_500);
    expect(waitMs).toBeGreaterThan(55_000);
    // The estimate is found to the millisecond, rounded up.
    expect(waitMs).toBeLessThanOrEqual(55_021);
    expect(toRetryAfterSeconds(waitMs)).toBe(56);
  });
});

describe('estimateCreationWaitMs with the bound on calls in flight', () => {
  const roomyWindows = () =>
    createCreationSlots(
      { accountCreatesPerMinute: 750, batchCallsPerMinute: 0, timeScale: 1 },
      createTestClock(),
    ).slots;

  it('waits for a call slot when every one is busy, though the windows have room', () => {
    const busy = { max: 2, inFlightEndsInMs: [10_000, 10_000], callMs: 10_000 };
    expect(estimateCreationWaitMs(roomyWindows(), 0, 4_500)).toBe(0);
    // Found to the millisecond, rounded up.
    const first = estimateCreationWaitMs(roomyWindows(), 0, 4_500, busy);
    expect(first).toBeGreaterThanOrEqual(10_000);
    expect(first).toBeLessThanOrEqual(10_001);
    // Two places a slot-turn: the third and fourth start when the first two calls end, 10 s later.
    const third = estimateCreationWaitMs(roomyWindows(), 2, 4_500, busy);
    expect(third).toBeGreaterThanOrEqual(20_000);
    expect(third).toBeLessThanOrEqual(20_001);
  });

  it('is 0 while a slot is free, and leaves the bound out while no call has ended yet', () => {
    expect(
      estimateCreationWaitMs(roomyWindows(), 0, 0, {
        max: 2,
        inFlightEndsInMs: [10_000],
        callMs: 10_000,
      }),
    ).toBe(0);
    expect(
      estimateCreationWaitMs(roomyWindows(), 5, 0, { max: 2, inFlightEndsInMs: [0, 0], callMs: 0 }),
    ).toBe(0);
  });

  it("past a whole window: the slots' rate when it is below the ceiling", () => {
    // 8 slots of 2 s: 248 single calls within the window (60.02 s), then 240 a minute (the window: 750).
    const slow = { max: 8, inFlightEndsInMs: [], callMs: 2_000 };
    expect(estimateCreationWaitMs(roomyWindows(), 1_000, 0, slow)).toBeCloseTo(
      60_020 + ((1_000 - 248 + 1) / 240) * 60_000,
    );
    expect(estimateCreationWaitMs(roomyWindows(), 1_000, 0)).toBeCloseTo(
      60_020 + ((1_000 - 750 + 1) / 750) * 60_000,
    );
  });
});

describe('toRetryAfterSeconds', () => {
  it('rounds up to whole seconds between 1 and 60', () => {
    expect(toRetryAfterSeconds(0)).toBe(1);
    expect(toRetryAfterSeconds(1_000)).toBe(1);
    expect(toRetryAfterSeconds(1_001)).toBe(2);
    expect(toRetryAfterSeconds(600_000)).toBe(60);
  });
});
