import { describe, expect, it } from 'vitest';
import { type SimOnTestClock, simOnTestClock } from '../../test/support/simOnTestClock.js';
import { createTestPgliteStore } from '../../test/support/testStores.js';
import { sleep } from '../clock.js';
import { isKnewtonUnavailableError } from '../errors.js';
import { createAccountProvisioner } from './createAccountProvisioner.js';

const outageMs = 30_000;
/** What the platform sees of a BFF in an outage: about 1.4 calls a second, token requests included. */
const boundPerSecond = 1.4;

/**
 * `users` users arrive over 2 s and each puts its account as `PUT /account` does (`holdMs` 5 s), coming
 * back after the `Retry-After` of the 503 or the 202 it was given. The platform answers 503 to everything
 * for the first 30 s. Returns the platform calls of those 30 s; afterwards every user is driven to an account.
 */
async function throughOutage(env: SimOnTestClock, users: number, token: 'cold' | 'warm') {
  const { clock, sim, sent } = env;
  const provisioner = await createAccountProvisioner({
    platform: env.platform,
    store: await createTestPgliteStore(),
    externalIds: { key: 'outage-test-pseudonym-key-0123456789abcdef' },
    clock,
  });
  if (token === 'warm') await env.drive(provisioner.checkReadiness());
  const before = sent.length;
  sim.setFaults({ errorRate: 1, errorStatus: 503 });
  const startedAt = clock.now();
  const everyone = Promise.all(
    Array.from({ length: users }, async (_, user) => {
      await sleep(clock, (user * 2_000) / users);
      for (;;) {
        try {
          const result = await provisioner.ensureAccount(`user-${user}`, { holdMs: 5_000 });
          if (result.account) return result.account.accountId;
          await sleep(clock, result.retryAfterSeconds * 1_000);
        } catch (error) {
          if (!isKnewtonUnavailableError(error)) throw error;
          await sleep(clock, error.retryAfterSeconds * 1_000);
        }
      }
    }),
  );
  everyone.catch(() => {});
  await env.advance(startedAt + outageMs - clock.now(), 50);
  const duringOutage = sent.length - before;
  if (process.env.OUTAGE_REPORT) console.info(`${users} users, ${token}: ${duringOutage} calls`);
  sim.setFaults({});
  const backAt = clock.now();
  const accountIds = await env.drive(everyone, 50);
  if (process.env.OUTAGE_REPORT) console.info(`  all answered ${clock.now() - backAt} ms after`);
  await env.drive(provisioner.close());
  return { duringOutage, accountIds };
}

describe('users putting their accounts while the platform answers 503', () => {
  for (const token of ['cold', 'warm'] as const)
    for (const users of [50, 500]) {
      it(`costs the platform at most ${boundPerSecond} calls a second for ${users} users, ${token} token`, async () => {
        const env = simOnTestClock();
        const { duringOutage, accountIds } = await throughOutage(env, users, token);
        expect(duringOutage).toBeLessThanOrEqual((outageMs / 1000) * boundPerSecond);
        // Once the platform is back every user has one account of its own, and the platform no other.
        expect(new Set(accountIds).size).toBe(users);
        expect(env.sim.stats().accounts).toBe(users);
      }, 60_000);
    }
});
