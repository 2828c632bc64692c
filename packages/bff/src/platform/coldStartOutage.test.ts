import { seededGraphs } from '@knewton-kit/platform-sim';
import { describe, expect, it } from 'vitest';
import { simOnTestClock } from '../../test/support/simOnTestClock.js';
import { throughOutage } from '../../test/support/throughOutage.js';
import { isKnewtonUnavailableError } from '../errors.js';
import { createLearningCalls } from './createLearningCalls.js';
import { createPlatformClient } from './createPlatformClient.js';

/** `throughOutage`'s outage. */
const outageMs = 30_000;
/** What the platform sees of a BFF that already holds its token: about 1.4 calls a second. */
const boundPerSecond = 1.4;

describe('an outage that starts before the BFF holds a token', () => {
  for (const callers of [50, 500]) {
    it(`costs the platform at most ${boundPerSecond} calls a second for ${callers} users creating accounts`, async () => {
      const env = simOnTestClock();
      const platform = createPlatformClient(env.platform);
      const { duringOutage } = await throughOutage(env, callers, (caller) =>
        platform.createAccount(`user-${caller}`),
      );
      expect(duringOutage.length).toBeLessThanOrEqual((outageMs / 1000) * boundPerSecond);
      // Once the platform is back every user got an account, one each.
      expect(env.sim.stats().accounts).toBe(callers);
    });

    it(`costs the platform at most ${boundPerSecond} calls a second for ${callers} learners asking for recommendations`, async () => {
      const env = simOnTestClock();
      // Accounts and registrations made beforehand by clients of their own: learning's token source is cold.
      const setup = createPlatformClient(env.platform);
      const accountIds: string[] = [];
      for (let first = 0; first < callers; first += 50) {
        const externalIds = Array.from(
          { length: Math.min(50, callers - first) },
          (_, i) => `learner-${first + i}`,
        );
        const items = await env.drive(setup.createAccounts(externalIds));
        for (const item of items) if (item.kind === 'created') accountIds.push(item.accountId);
      }
      const setupLearning = createLearningCalls(env.platform);
      const graph = seededGraphs[0] as (typeof seededGraphs)[number];
      const instance = await env.drive(setupLearning.createLearningInstance(graph.id, 'cold'));
      const registrations = await env.drive(
        Promise.all(accountIds.map((id) => setupLearning.createRegistration(instance, id))),
        200,
      );
      const learning = createLearningCalls(env.platform);

      const { duringOutage } = await throughOutage(env, callers, (caller) => {
        const registration = registrations[caller];
        if (registration?.kind !== 'created') throw new Error('registration missing');
        return learning.recommendation(`learner-${caller}`, registration.registrationId);
      });
      expect(duringOutage.length).toBeLessThanOrEqual((outageMs / 1000) * boundPerSecond);
      // Every learner got a token of its own and an answer once the platform was back.
      expect(env.sim.stats().rateLimited).toBe(0);
    }, 60_000);
  }
});

describe('an outage that starts while the BFF holds a token', () => {
  for (const callers of [50, 500]) {
    it(`costs the platform at most ${boundPerSecond} calls a second for ${callers} users creating accounts`, async () => {
      const env = simOnTestClock();
      const platform = createPlatformClient(env.platform);
      await env.drive(platform.checkToken());
      const { duringOutage, answers } = await throughOutage(env, callers, (caller) =>
        platform.createAccount(`user-${caller}`),
      );
      expect(duringOutage.length).toBeLessThanOrEqual((outageMs / 1000) * boundPerSecond);
      // Once the platform is back every user got an account of its own, and none was made twice.
      expect(answers.every((answer) => (answer as { kind: string }).kind === 'created')).toBe(true);
      expect(env.sim.stats().accounts).toBe(callers);
    });
  }

  it('turns callers away during the pause with its time left, and a success opens it again', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.checkToken());
    env.sim.setFaults({ errorRate: 1, errorStatus: 503 });
    // Two failures in a row make the next create a probe, sent at once; the third starts the pauses.
    for (const user of ['first', 'second', 'third']) {
      await expect(env.drive(platform.createAccount(user))).rejects.toMatchObject({ status: 503 });
    }
    const sentBefore = env.sent.length;
    const turnedAway = await env.drive(platform.createAccount('second')).catch((error) => error);
    expect(isKnewtonUnavailableError(turnedAway)).toBe(true);
    expect(turnedAway.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(env.sent.length).toBe(sentBefore);
    // The batch endpoint is behind the same gate.
    await expect(env.drive(platform.createAccounts(['third']))).rejects.toMatchObject({
      status: 503,
    });
    expect(env.sent.length).toBe(sentBefore);
    env.sim.setFaults({});
    await env.advance(turnedAway.retryAfterSeconds * 1_000);
    expect(await env.drive(platform.createAccount('second'))).toMatchObject({ kind: 'created' });
    const many = await env.drive(
      Promise.all(['a', 'b', 'c'].map((id) => platform.createAccount(id))),
    );
    expect(many.map((outcome) => outcome.kind)).toEqual(['created', 'created', 'created']);
  });

  it('stays open after a refusal (4xx): the platform answered', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    env.sim.setFaults({ errorRate: 1, errorStatus: 400 });
    await expect(env.drive(platform.createAccount('first'))).rejects.toMatchObject({ status: 400 });
    env.sim.setFaults({});
    expect(await env.drive(platform.createAccount('second'))).toMatchObject({ kind: 'created' });
  });
});
