import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { batchSpacingMs, LearnerCallWindows } from './LearnerCallWindows.js';

describe('LearnerCallWindows', () => {
  it("spaces a learner's calls 4,134 ms apart, to the millisecond, and remembers who waits until when", async () => {
    const clock = createTestClock();
    const windows = new LearnerCallWindows(clock);
    expect(batchSpacingMs).toBe(4_134);
    expect(windows.tryTake('ada', 'ext-ada')).toBe(0);
    expect(windows.tryTake('ada', 'ext-ada')).toBe(batchSpacingMs);
    expect(windows.waiting(clock.now())).toEqual(['ada']);
    await clock.advance(batchSpacingMs - 1);
    expect(windows.waiting(clock.now())).toEqual(['ada']);
    expect(windows.tryTake('ada', 'ext-ada')).toBe(1);
    await clock.advance(1);
    expect(windows.waiting(clock.now())).toEqual([]);
    expect(windows.tryTake('ada', 'ext-ada')).toBe(0);
  });

  it("keeps each learner's window to their own token", () => {
    const windows = new LearnerCallWindows(createTestClock());
    expect(windows.tryTake('ada', 'ext-ada')).toBe(0);
    expect(windows.tryTake('bob', 'ext-bob')).toBe(0);
    expect(windows.tryTake('ada', 'ext-ada')).toBeGreaterThan(0);
    expect(windows.waiting(Number.NEGATIVE_INFINITY)).toEqual(['ada']);
  });

  it('allows at most 15 calls in any 62 s, however they are spaced', async () => {
    const clock = createTestClock();
    const windows = new LearnerCallWindows(clock);
    const calls: number[] = [];
    const end = clock.now() + 300_000;
    // A learner calling the moment they may, for five minutes.
    while (clock.now() < end) {
      const waitMs = windows.tryTake('ada', 'ext-ada');
      if (waitMs === 0) calls.push(clock.now());
      else await clock.advance(waitMs);
    }
    expect(calls.length).toBe(Math.ceil(300_000 / batchSpacingMs));
    for (let i = 15; i < calls.length; i++) {
      expect((calls[i] as number) - (calls[i - 15] as number)).toBeGreaterThanOrEqual(62_000);
    }
  });
});
