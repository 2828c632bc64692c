import { setTimeout } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { EventOutboxQueries } from '../store/eventOutboxQueries.js';
import { createOutboxBound } from './createOutboxBound.js';

/** An outbox whose count of a long backlog takes `countMs`, recording when each count ran. */
function slowCountingOutbox(pending: number, countMs: number) {
  const counts: Array<{ start: number; end: number }> = [];
  const outbox = {
    async pendingCount() {
      const start = performance.now();
      await setTimeout(countMs);
      counts.push({ start, end: performance.now() });
      return pending;
    },
  } as unknown as EventOutboxQueries;
  return { outbox, counts };
}

describe('createOutboxBound', () => {
  it('refuses a flood against a full outbox with one count at a time, 100 ms apart even when a count is slow', async () => {
    const { outbox, counts } = slowCountingOutbox(1_000, 150);
    const bound = createOutboxBound(outbox, 1_000);
    const answers: boolean[] = [];
    const until = performance.now() + 1_000;
    while (performance.now() < until) {
      answers.push(await bound.wouldOverflow(1));
      await setTimeout(5);
    }
    expect(answers.every((over) => over)).toBe(true);
    expect(counts.length).toBeGreaterThan(1);
    // Timed from a count's start, a 150 ms count was always "older than 100 ms" when it ended, and the
    // next refused request counted again at once: back-to-back counts for as long as the flood lasted.
    for (let i = 1; i < counts.length; i++) {
      const gap = (counts[i]?.start ?? 0) - (counts[i - 1]?.end ?? 0);
      expect(gap).toBeGreaterThanOrEqual(95);
    }
  });

  it('takes events again once a recount finds the outbox drained', async () => {
    let pending = 1_000;
    const outbox = { pendingCount: async () => pending } as unknown as EventOutboxQueries;
    const bound = createOutboxBound(outbox, 1_000);
    expect(await bound.wouldOverflow(1)).toBe(true);
    pending = 0;
    await setTimeout(120);
    expect(await bound.wouldOverflow(1)).toBe(false);
  });
});
