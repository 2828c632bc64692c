import { describe, expect, it } from 'vitest';
import { type SimOnTestClock, simOnTestClock } from '../../test/support/simOnTestClock.js';
import { createTestPgliteStore } from '../../test/support/testStores.js';
import { throughOutage } from '../../test/support/throughOutage.js';
import { sleep } from '../clock.js';
import { createAccountProvisioner } from './createAccountProvisioner.js';

/** `throughOutage`'s outage. */
const outageMs = 30_000;
/** What the platform sees of a BFF in an outage: about 1.4 calls a second, token requests included. */
const boundPerSecond = 1.4;

/**
 * `users` users put their accounts as `PUT /account` does (`holdMs` 5 s), each coming back after the
 * `Retry-After` of the 503 or the 202 it was given, through `throughOutage`'s 30 s outage.
 */
async function provisionThroughOutage(env: SimOnTestClock, users: number, token: 'cold' | 'warm') {
  const provisioner = await createAccountProvisioner({
    platform: env.platform,
    store: await createTestPgliteStore(),
    externalIds: { key: 'outage-test-pseudonym-key-0123456789abcdef' },
    clock: env.clock,
  });
  if (token === 'warm') await env.drive(provisioner.checkReadiness());
  const run = await throughOutage(env, users, async (user) => {
    for (;;) {
      const result = await provisioner.ensureAccount(`user-${user}`, { holdMs: 5_000 });
      if (result.account) return result.account.accountId;
      await sleep(env.clock, result.retryAfterSeconds * 1_000);
    }
  });
  if (process.env.OUTAGE_REPORT) {
    console.info(`${users} users, ${token}: ${run.duringOutage.length} calls`);
    console.info(`  all answered ${run.recoveredAfterMs} ms after`);
  }
  await env.drive(provisioner.close());
  return { duringOutage: run.duringOutage.length, accountIds: run.answers };
}

describe('users putting their accounts while the platform answers 503', () => {
  for (const token of ['cold', 'warm'] as const)
    for (const users of [50, 500]) {
      it(`costs the platform at most ${boundPerSecond} calls a second for ${users} users, ${token} token`, async () => {
        const env = simOnTestClock();
        const { duringOutage, accountIds } = await provisionThroughOutage(env, users, token);
        expect(duringOutage).toBeLessThanOrEqual((outageMs / 1000) * boundPerSecond);
        // Once the platform is back every user has one account of its own, and the platform no other.
        expect(new Set(accountIds).size).toBe(users);
        expect(env.sim.stats().accounts).toBe(users);
      }, 60_000);
    }
});
