import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { type CreationSlots, createCreationSlots } from '../platform/createCreationSlots.js';
import { estimateCreationWaitMs, toRetryAfterSeconds } from './estimateCreationWait.js';

/** Windows that can start `startable` accounts within any horizon, at `perMinute` after that. */
const windows = (startable: number, perMinute: number) =>
  ({
    accountsStartableWithin: () => startable,
    accountsPerMinute: () => perMinute,
  }) as unknown as CreationSlots;

describe('estimateCreationWaitMs', () => {
  it('is 0 for a place the windows start within the horizon', () => {
    expect(estimateCreationWaitMs(windows(10, 600), 0, 4_500)).toBe(0);
    expect(estimateCreationWaitMs(windows(10, 600), 9, 4_500)).toBe(0);
  });

  it('beyond them: the horizon, then the places left at the ceiling rate', () => {
    // 600 a minute is one every 100 ms: the 11th place starts one step after the horizon.
    expect(estimateCreationWaitMs(windows(10, 600), 10, 4_500)).toBe(4_600);
    expect(estimateCreationWaitMs(windows(10, 600), 19, 4_500)).toBe(5_500);
    expect(estimateCreationWaitMs(windows(0, 1), 0, 0)).toBe(60_000);
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
    expect(waitMs).toBeLessThanOrEqual(55_020);
    expect(toRetryAfterSeconds(waitMs)).toBe(56);
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
