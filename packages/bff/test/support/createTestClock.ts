import { withGlobal } from '@sinonjs/fake-timers';
import type { Clock, ClockTimer } from '../../src/clock.js';

/** A {@link Clock} that moves only when the test says so, plus the controls to move it. */
export interface TestClock extends Clock {
  /** Moves time on by `ms`, running every timer due on the way and the promise jobs each one starts. */
  advance(ms: number): Promise<void>;
  /** Runs timers one after another (promise jobs between them) until none is left or `limit` ran. */
  runAll(limit?: number): Promise<void>;
  /** Timers still pending. */
  pending(): number;
}

/**
 * A fake clock for code that takes a {@link Clock}: `@sinonjs/fake-timers` (the clock under Vitest's
 * `vi.useFakeTimers`), created on its own instead of installed over the globals, so the store, the HTTP
 * server and the test runner keep real time while the code under test runs on this one.
 */
export function createTestClock(startMs = Date.UTC(2026, 0, 1)): TestClock {
  const fake = withGlobal(globalThis).createClock(startMs, 100_000);
  return {
    now: () => fake.now,
    setTimeout: (callback, ms) => fake.setTimeout(callback, ms) as unknown as ClockTimer,
    clearTimeout: (timer) => fake.clearTimeout(timer as Parameters<typeof fake.clearTimeout>[0]),
    advance: async (ms) => {
      await fake.tickAsync(ms);
    },
    runAll: async (limit = 10_000) => {
      for (let ran = 0; ran < limit && fake.countTimers() > 0; ran++) await fake.nextAsync();
    },
    pending: () => fake.countTimers(),
  };
}
