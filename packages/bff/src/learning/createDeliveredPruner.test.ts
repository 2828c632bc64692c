import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../test/support/createCapturingLogger.js';
import { createTestClock } from '../../test/support/createTestClock.js';
import type { EventOutboxQueries } from '../store/eventOutboxQueries.js';
import { createDeliveredPruner, pruneEveryMs } from './createDeliveredPruner.js';

/** An outbox that records each prune (the window and batch it was asked for), failing when told to. */
function pruningOutbox() {
  const prunes: Array<[number, number]> = [];
  let fail = false;
  const outbox = {
    async pruneDelivered(olderThanMs: number, limit: number) {
      if (fail) throw new Error('store down');
      prunes.push([olderThanMs, limit]);
      return 0;
    },
  } as unknown as EventOutboxQueries;
  return { outbox, prunes, failNext: (value: boolean) => (fail = value) };
}

describe('createDeliveredPruner', () => {
  it('prunes a bounded batch past the dedup window at once, then at most once a minute', async () => {
    const clock = createTestClock();
    const { outbox, prunes } = pruningOutbox();
    const prune = createDeliveredPruner({
      outbox,
      dedupWindowMs: 86_400_000,
      logger: createCapturingLogger([]),
      clock,
    });
    await prune();
    expect(prunes).toEqual([[86_400_000, 5_000]]);
    await clock.advance(pruneEveryMs - 1);
    await prune();
    expect(prunes).toHaveLength(1);
    await clock.advance(1);
    await prune();
    expect(prunes).toHaveLength(2);
  });

  it('prunes a window shorter than a minute as often as it is long', async () => {
    const clock = createTestClock();
    const { outbox, prunes } = pruningOutbox();
    const prune = createDeliveredPruner({
      outbox,
      dedupWindowMs: 1_500,
      logger: createCapturingLogger([]),
      clock,
    });
    for (let i = 0; i < 4; i++) {
      await prune();
      await clock.advance(1_500);
    }
    expect(prunes).toHaveLength(4);
  });

  it('logs a failed prune instead of failing the pass, and tries again at the next interval', async () => {
    const clock = createTestClock();
    const lines: string[] = [];
    const { outbox, prunes, failNext } = pruningOutbox();
    const prune = createDeliveredPruner({
      outbox,
      dedupWindowMs: 86_400_000,
      logger: createCapturingLogger(lines),
      clock,
    });
    failNext(true);
    await expect(prune()).resolves.toBeUndefined();
    expect(lines.join('\n')).toContain('pruning delivered learning events failed');
    failNext(false);
    await clock.advance(pruneEveryMs);
    await prune();
    expect(prunes).toHaveLength(1);
  });
});
