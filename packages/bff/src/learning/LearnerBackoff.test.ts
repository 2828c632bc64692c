import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { LearnerBackoff } from './LearnerBackoff.js';

describe('LearnerBackoff', () => {
  it('holds a failing learner back until exactly their pause is over, doubling up to the cap', async () => {
    const clock = createTestClock();
    // Jitter at its top: each pause is the whole step.
    const backoff = new LearnerBackoff(1_000, 30_000, clock, () => 1);
    const pauses: number[] = [];
    for (let i = 0; i < 7; i++) pauses.push(backoff.failed('ada').pauseMs);
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(backoff.backingOff(clock.now())).toEqual(['ada']);
    await clock.advance(29_999);
    expect(backoff.backingOff(clock.now())).toEqual(['ada']);
    await clock.advance(1);
    expect(backoff.backingOff(clock.now())).toEqual([]);
  });

  it('keeps half of each step whatever the jitter, and starts again once a call is answered', () => {
    const clock = createTestClock();
    const backoff = new LearnerBackoff(1_000, 30_000, clock, () => 0);
    expect(backoff.failed('ada')).toEqual({ failures: 1, pauseMs: 500 });
    expect(backoff.failed('ada')).toEqual({ failures: 2, pauseMs: 1_000 });
    expect(backoff.failed('bob')).toEqual({ failures: 1, pauseMs: 500 });
    backoff.answered('ada');
    expect(backoff.backingOff(clock.now())).toEqual(['bob']);
    expect(backoff.failed('ada')).toEqual({ failures: 1, pauseMs: 500 });
  });
});
