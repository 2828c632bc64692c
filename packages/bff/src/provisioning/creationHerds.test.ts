import { describe, expect, it } from 'vitest';
import { type HerdOutcome, simulateCreationHerd } from '../../test/support/simulateCreationHerd.js';
import {
  accountCreatesPerMinute,
  batchCallsPerMinute,
  maxBatchSize,
} from '../platform/platformLimits.js';

/** The documented ceiling, singles and full batches together: 87.5 accounts a second. */
const ceilingPerMs = (accountCreatesPerMinute + batchCallsPerMinute * maxBatchSize) / 60_000;

const atOnce = (users: number) => Array.from({ length: users }, () => 0);
const evenly = (users: number, overMs: number) =>
  Array.from({ length: users }, (_, i) => Math.floor((i * overMs) / users));
const bursts = (size: number, everyMs: number, count: number) =>
  Array.from({ length: size * count }, (_, i) => Math.floor(i / size) * everyMs);

/**
 * Arrival shapes against the creation policy at the documented limits, each user asking again after
 * `Retry-After` as the kit does. Every shape must finish within 1.25× the ceiling's time (or its own
 * arrival time, when longer), with no request held past 5 s and each queued user asking about twice.
 */
describe('creating accounts for herds of every arrival shape', () => {
  const shapes: [string, number[]][] = [
    ['2,000 at once', atOnce(2_000)],
    ['3,000 evenly over 20 s (150 a second)', evenly(3_000, 20_000)],
    ['bursts of 500 every 10 s for a minute', bursts(500, 10_000, 6)],
    ['a trickle of 5 a second for a minute', evenly(300, 60_000)],
    ['6,000 at once, beyond one window of budget', atOnce(6_000)],
  ];

  it.each(shapes)('%s', async (_, arrivalsMs) => {
    const herd = await simulateCreationHerd({ arrivalsMs });
    const arrivalMs = Math.max(...arrivalsMs) - Math.min(...arrivalsMs);
    const boundMs = 1.25 * Math.max(arrivalMs, arrivalsMs.length / ceilingPerMs);
    expect(herd.allAccountsMs).toBeLessThanOrEqual(boundMs);
    expectSoundAnswers(herd);
  });

  it('fills batches when the line outruns the singles, not cut at two users', async () => {
    const herd = await simulateCreationHerd({ arrivalsMs: evenly(3_000, 20_000) });
    expect(herd.singles + herd.batches).toBeLessThan(3_000 / 2);
    expect(herd.batchFill).toBeGreaterThanOrEqual(40);
  });

  it('a trickle the singles can serve goes out one at a time, with no wait', async () => {
    const herd = await simulateCreationHerd({ arrivalsMs: evenly(300, 60_000) });
    expect(herd).toMatchObject({ singles: 300, batches: 0, queuedPerUser: 0, mostAsks: 1 });
  });
});

function expectSoundAnswers(herd: HerdOutcome): void {
  expect(herd.duplicates).toBe(0);
  expect(herd.longestRequestMs).toBeLessThanOrEqual(5_000);
  // A queued user asks again when its Retry-After said, and is then answered within the hold.
  expect(herd.latestAfterRetryMs).toBeLessThanOrEqual(4_500);
  expect(herd.mostAsks).toBeLessThanOrEqual(3);
  expect(herd.meanAsks).toBeLessThanOrEqual(2);
}
