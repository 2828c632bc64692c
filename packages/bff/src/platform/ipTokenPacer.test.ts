import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { simOnTestClock } from '../../test/support/simOnTestClock.js';
import { createLearningCalls } from './createLearningCalls.js';
import { createPlatformClient } from './createPlatformClient.js';
import { ipTokenPacer } from './ipTokenPacer.js';

describe('ipTokenPacer', () => {
  it('is one pacer per platform origin, whatever the path', () => {
    expect(ipTokenPacer('http://platform.test/')).toBe(ipTokenPacer('http://platform.test/v0'));
    expect(ipTokenPacer('http://platform.test')).not.toBe(ipTokenPacer('http://other.test'));
  });

  it('is one pacer per clock: a test on a fake clock shares no window with anyone else', () => {
    const clock = createTestClock();
    expect(ipTokenPacer('http://platform.test', clock)).toBe(
      ipTokenPacer('http://platform.test/v0', clock),
    );
    expect(ipTokenPacer('http://platform.test', clock)).not.toBe(
      ipTokenPacer('http://platform.test'),
    );
    expect(ipTokenPacer('http://platform.test', clock)).not.toBe(
      ipTokenPacer('http://platform.test', createTestClock()),
    );
  });

  // The simulator counts token requests per client IP (one for in-process calls), as the platform does.
  it('keeps the provisioner’s and learning’s token requests together under 100 a second', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    const learning = createLearningCalls(env.platform);
    const externalIds = Array.from({ length: 150 }, (_, i) => `learner-${i}`);
    for (let i = 0; i < externalIds.length; i += 50) {
      await env.drive(platform.createAccounts(externalIds.slice(i, i + 50)));
    }

    // Each side asks for 150 scoped tokens at once: 300 token requests, about 3 s at the limit.
    const startedAt = env.clock.now();
    const [accountIds, recommendations] = await env.drive(
      Promise.all([
        Promise.all(externalIds.map((id) => platform.findAccountIdByExternalId(id))),
        Promise.allSettled(
          externalIds.map((id) => learning.recommendation(id, 'no-such-registration')),
        ),
      ]),
    );

    expect(env.sim.stats().rateLimited).toBe(0);
    expect(accountIds.every((id) => typeof id === 'string')).toBe(true);
    // Every learner got a token (the unknown registration is answered 404 after it); none hit a 429.
    expect(env.sim.stats().calls['POST /v0/oauth/token']).toBe(1 + 150 + 150);
    expect(recommendations.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(env.clock.now() - startedAt).toBeGreaterThanOrEqual(2_000);
  });
});
