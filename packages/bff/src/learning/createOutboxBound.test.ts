import { describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../test/support/createTestClock.js';
import { sleep } from '../clock.js';
import type { EventOutboxQueries } from '../store/eventOutboxQueries.js';
import { createOutboxBound } from './createOutboxBound.js';

/** An outbox whose count of a long backlog takes `countMs` on `clock`, recording when each count ran. */
function slowCountingOutbox(clock: TestClock, pending: number, countMs: number) {
  const counts: Array<{ start: number; end: number }> = [];
  const outbox = {
    async pendingCount() {
      const start = clock.now();
      await sleep(clock, countMs);
      counts.push({ start, end: clock.now() });
      return pending;
    },
  } as unknown as EventOutboxQueries;
  return { outbox, counts };
}

describe('createOutboxBound', () => {
  it('refuses a flood against a full outbox with one count at a time, 100 ms apart even when a count is slow', async () => {
    const clock = createTestClock();
    const { outbox, counts } = slowCountingOutbox(clock, 1_000, 150);
    const bound = createOutboxBound(outbox, 1_000, clock);
    // A request every 5 ms for a second, none waiting for another.
    const answers: Promise<boolean>[] = [];
    for (let ms = 0; ms < 1_000; ms += 5) {
      answers.push(bound.wouldOverflow(1));
      await clock.advance(5);
    }
    await clock.advance(150);
    expect((await Promise.all(answers)).every((over) => over)).toBe(true);
    expect(counts.length).toBeGreaterThan(1);
    // Timed from a count's start, a 150 ms count would always be "older than 100 ms" when it ended, and
    // the next refused request would count again at once: back-to-back counts for as long as the flood.
    for (let i = 1; i < counts.length; i++) {
      expect((counts[i]?.start ?? 0) - (counts[i - 1]?.end ?? 0)).toBeGreaterThanOrEqual(100);
      expect(counts[i]?.start).toBeGreaterThanOrEqual(counts[i - 1]?.end ?? 0);
    }
  });

  it('takes events again once a recount, at most 100 ms after the last, finds the outbox drained', async () => {
    const clock = createTestClock();
    let pending = 1_000;
    const outbox = { pendingCount: async () => pending } as unknown as EventOutboxQueries;
    const bound = createOutboxBound(outbox, 1_000, clock);
    expect(await bound.wouldOverflow(1)).toBe(true);
    pending = 0;
    await clock.advance(99);
    expect(await bound.wouldOverflow(1)).toBe(true);
    await clock.advance(1);
    expect(await bound.wouldOverflow(1)).toBe(false);
  });

  it('adds what this process accepted to the last count, until the recount a second later', async () => {
    const clock = createTestClock();
    const pending = 500;
    let counted = 0;
    const outbox = {
      pendingCount: async () => {
        counted++;
        return pending;
      },
    } as unknown as EventOutboxQueries;
    const bound = createOutboxBound(outbox, 1_000, clock);
    expect(await bound.wouldOverflow(500)).toBe(false);
    bound.accepted(500);
    // 500 counted and 500 accepted since: full, without counting again (the count is not 100 ms old).
    expect(await bound.wouldOverflow(1)).toBe(true);
    expect(counted).toBe(1);
    // The recount sees 500 (what was accepted is in it, or delivered since).
    await clock.advance(1_000);
    expect(await bound.wouldOverflow(1)).toBe(false);
    expect(counted).toBe(2);
  });
});
