import type { Clock, ClockTimer } from '../../src/clock.js';
import { createTestClock, type TestClock } from './createTestClock.js';

/**
 * A fake clock for a loop that keeps one timer pending between its steps (the event delivery loop), moved
 * one timer at a time: after each timer fires, the clock stands still until the step it started (a pass's
 * store and platform calls, in real time) has scheduled the next one.
 */
export interface LoopClock extends Clock {
  /** Moves time on by `ms`, one step at a time. */
  advance(ms: number): Promise<void>;
  /** Jumps to the next timer, fires it and waits for the step it starts; the time it fired at. */
  nextStep(): Promise<number>;
  /** Steps until `done` holds; fails once the next step would be more than `withinMs` away. */
  stepUntil(done: () => boolean | Promise<boolean>, withinMs: number): Promise<void>;
}

/** How long (real time) a step may take before the loop is taken to have stopped scheduling. */
const stepTimeoutMs = 15_000;

export function createLoopClock(clock: TestClock = createTestClock()): LoopClock {
  const due = new Map<ClockTimer, number>();
  const scheduled: Array<() => void> = [];

  function settled(): Promise<void> {
    if (due.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`no timer was scheduled within ${stepTimeoutMs} ms`)),
        stepTimeoutMs,
      );
      scheduled.push(() => {
        clearTimeout(timeout);
        resolve();
      });
    });
  }

  const nextDue = () => (due.size === 0 ? undefined : Math.min(...due.values()));

  async function fireNext(): Promise<number> {
    const at = nextDue();
    if (at === undefined) throw new Error('nothing is scheduled');
    await clock.advance(Math.max(0, at - clock.now()));
    await settled();
    return at;
  }

  return {
    now: () => clock.now(),
    setTimeout(callback, ms) {
      const timer = clock.setTimeout(() => {
        due.delete(timer);
        callback();
      }, ms);
      due.set(timer, clock.now() + Math.max(0, ms));
      for (const resolve of scheduled.splice(0)) resolve();
      return timer;
    },
    clearTimeout(timer) {
      due.delete(timer);
      clock.clearTimeout(timer);
    },
    async advance(ms) {
      const end = clock.now() + ms;
      for (let at = nextDue(); at !== undefined && at <= end; at = nextDue()) await fireNext();
      await clock.advance(Math.max(0, end - clock.now()));
    },
    nextStep: fireNext,
    async stepUntil(done, withinMs) {
      const end = clock.now() + withinMs;
      while (!(await done())) {
        const at = nextDue();
        if (at === undefined || at > end) {
          throw new Error(`not done within ${withinMs} ms of the loop's time`);
        }
        await fireNext();
      }
    },
  };
}
