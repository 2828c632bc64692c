import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import type { CreationSlots } from '../platform/createCreationSlots.js';
import type { PacerSlot } from '../platform/slidingWindowPacer.js';
import { CreationScheduler } from './CreationScheduler.js';

/** Pacing windows with `singles` and `batches` free slots; both free again `nextFreeInMs` later. */
function windows(free: { singles: number; batches: number; nextFreeInMs?: number }) {
  const take = (kind: 'singles' | 'batches'): PacerSlot | undefined => {
    if (free[kind] === 0) return undefined;
    free[kind]--;
    return {
      answered() {},
      release() {
        free[kind]++;
      },
    };
  };
  const slots: CreationSlots = {
    batchAvailable: true,
    tryTakeSingle: () => take('singles'),
    tryTakeBatch: () => take('batches'),
    accountsStartableWithin: () => free.singles + free.batches * 50,
    callsStartableWithin: () => ({ singles: free.singles, batches: free.batches }),
    callsPerMinute: () => ({ singles: 750, batches: 90 }),
    nextFreeInMs: () => free.nextFreeInMs ?? Number.POSITIVE_INFINITY,
    accountsPerMinute: () => 5_250,
    batchIntervalMs: 667,
  };
  return slots;
}

function startScheduler(slots: CreationSlots) {
  const clock = createTestClock();
  let wakes = 0;
  const scheduler = new CreationScheduler({ slots, clock, wake: () => wakes++ });
  return { scheduler, clock, wakes: () => wakes };
}

const shape = (call: ReturnType<CreationScheduler['next']>) =>
  call && (call.kind === 'batch' ? { kind: 'batch', size: call.size } : { kind: 'single' });

describe('CreationScheduler', () => {
  it('sends a lone user as a single create', () => {
    const { scheduler } = startScheduler(windows({ singles: 5, batches: 5 }));
    expect(shape(scheduler.next(1, 0))).toEqual({ kind: 'single' });
  });

  it('sends a full batch of 50 as soon as 50 wait, even with single slots free', () => {
    const { scheduler } = startScheduler(windows({ singles: 5, batches: 5 }));
    expect(shape(scheduler.next(50, 0))).toEqual({ kind: 'batch', size: 50 });
    expect(shape(scheduler.next(120, 0))).toEqual({ kind: 'batch', size: 50 });
  });

  it('sends fewer than 50 one at a time while single slots are free', () => {
    const { scheduler } = startScheduler(windows({ singles: 5, batches: 5 }));
    expect(shape(scheduler.next(49, 0))).toEqual({ kind: 'single' });
  });

  it('with the singles spent, holds a short line for a fuller batch until its head waited one batch interval', async () => {
    const free = { singles: 0, batches: 2 };
    const { scheduler, clock, wakes } = startScheduler(windows(free));
    expect(scheduler.next(2, 0)).toBeUndefined();
    expect(scheduler.next(20, 0)).toBeUndefined();
    // Lingering spends nothing of the batch budget.
    expect(free.batches).toBe(2);
    await clock.advance(666);
    expect(wakes()).toBe(0);
    await clock.advance(1);
    expect(wakes()).toBe(1);
    expect(shape(scheduler.next(30, 667))).toEqual({ kind: 'batch', size: 30 });
    expect(free.batches).toBe(1);
  });

  it('sends 50 as a full batch at once, however briefly they waited', () => {
    const { scheduler, clock } = startScheduler(windows({ singles: 0, batches: 2 }));
    expect(shape(scheduler.next(50, 0))).toEqual({ kind: 'batch', size: 50 });
    expect(clock.pending()).toBe(0);
  });

  it('wakes at the earliest moment asked for, once', async () => {
    const free = { singles: 0, batches: 0, nextFreeInMs: 5_000 };
    const { scheduler, clock, wakes } = startScheduler(windows(free));
    expect(scheduler.next(60, 0)).toBeUndefined();
    free.batches = 1;
    // A short line lingering now wakes sooner than the windows would.
    expect(scheduler.next(10, 0)).toBeUndefined();
    expect(clock.pending()).toBe(1);
    await clock.advance(667);
    expect(wakes()).toBe(1);
    await clock.runAll();
    expect(wakes()).toBe(1);
  });

  it('sends singles only when the platform offers no batches', () => {
    const { scheduler } = startScheduler(windows({ singles: 1, batches: 0, nextFreeInMs: 1_000 }));
    expect(shape(scheduler.next(80, 0))).toEqual({ kind: 'single' });
    expect(scheduler.next(79, 0)).toBeUndefined();
  });

  it('with both windows spent, sends nothing and wakes once when a slot frees', async () => {
    const { scheduler, clock, wakes } = startScheduler(
      windows({ singles: 0, batches: 0, nextFreeInMs: 1_200 }),
    );
    expect(scheduler.next(10, 0)).toBeUndefined();
    expect(scheduler.next(10, 0)).toBeUndefined();
    await clock.advance(1_199);
    expect(wakes()).toBe(0);
    await clock.advance(1);
    expect(wakes()).toBe(1);
    await clock.runAll();
    expect(wakes()).toBe(1);
  });

  it('sets no wake-up when no slot will ever free, and none after stop', async () => {
    const never = startScheduler(windows({ singles: 0, batches: 0 }));
    expect(never.scheduler.next(1, 0)).toBeUndefined();
    expect(never.clock.pending()).toBe(0);
    const stopped = startScheduler(windows({ singles: 0, batches: 0, nextFreeInMs: 500 }));
    stopped.scheduler.next(1, 0);
    stopped.scheduler.stop();
    await stopped.clock.runAll();
    expect(stopped.wakes()).toBe(0);
  });

  it('takes a single slot on demand without setting a wake-up', () => {
    const { scheduler, clock } = startScheduler(
      windows({ singles: 1, batches: 0, nextFreeInMs: 9 }),
    );
    expect(scheduler.singleNow()).toBeDefined();
    expect(scheduler.singleNow()).toBeUndefined();
    expect(clock.pending()).toBe(0);
  });
});
