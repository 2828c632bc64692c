import { sleep } from '../../src/clock.js';
import { isKnewtonUnavailableError } from '../../src/errors.js';
import type { SentRequest, SimOnTestClock } from './simOnTestClock.js';

export interface OutageRun<T> {
  /** What the platform was sent while it answered 503. */
  duringOutage: SentRequest[];
  /** Every caller's answer, once the platform was back. */
  answers: T[];
  /** From the platform's return until the last caller had its answer, on the test clock. */
  recoveredAfterMs: number;
}

/**
 * The outage scenario of the tests and of `pnpm bench`'s outage rows: `callers` users arrive over 2 s
 * and each calls until it gets an answer, coming back after the `Retry-After` it was given (as a
 * browser's query layer does). The platform answers 503 to everything for the first `outageMs`; then
 * everyone is driven to an answer. On the shared fake clock, so the counts do not depend on the machine.
 */
export async function throughOutage<T>(
  env: SimOnTestClock,
  callers: number,
  call: (caller: number) => Promise<T>,
  outageMs = 30_000,
): Promise<OutageRun<T>> {
  const { clock, sim, sent } = env;
  const before = sent.length;
  sim.setFaults({ errorRate: 1, errorStatus: 503 });
  const startedAt = clock.now();
  const everyone = Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      await sleep(clock, (caller * 2_000) / callers);
      for (;;) {
        try {
          return await call(caller);
        } catch (error) {
          if (!isKnewtonUnavailableError(error) || error.status === 404) throw error;
          await sleep(clock, error.retryAfterSeconds * 1_000);
        }
      }
    }),
  );
  everyone.catch(() => {});
  await env.advance(startedAt + outageMs - clock.now(), 50);
  const duringOutage = sent.slice(before);
  sim.setFaults({});
  const backAt = clock.now();
  const answers = await env.drive(everyone, 50);
  return { duringOutage, answers, recoveredAfterMs: clock.now() - backAt };
}
