import { describe, expect, it } from 'vitest';
import { createTestClock } from '../test/support/createTestClock.js';
import { sleep } from './clock.js';

describe('sleep', () => {
  it('resolves once the clock has moved on by the delay, not before', async () => {
    const clock = createTestClock();
    let woke = false;
    const sleeping = sleep(clock, 60_000).then(() => {
      woke = true;
    });
    await clock.advance(59_999);
    expect(woke).toBe(false);
    await clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('resolves at once when its signal aborts, and leaves no timer behind', async () => {
    const clock = createTestClock();
    const aborter = new AbortController();
    const sleeping = sleep(clock, 60_000, aborter.signal);
    expect(clock.pending()).toBe(1);
    aborter.abort();
    await sleeping;
    expect(clock.pending()).toBe(0);
    expect(clock.now()).toBe(createTestClock().now());
  });
});
