import { createPlatformSim } from '@knewton-kit/platform-sim';
import { describe, expect, it } from 'vitest';
import { simPlatform } from '../../test/support/deliveryHarness.js';
import { createLearningCalls } from './createLearningCalls.js';
import { createPlatformClient } from './createPlatformClient.js';
import type { PlatformClientOptions } from './PlatformClientOptions.js';
import { ipTokenPacer } from './ipTokenPacer.js';

describe('ipTokenPacer', () => {
  it('is one pacer per platform origin, whatever the path', () => {
    expect(ipTokenPacer('http://platform.test/')).toBe(ipTokenPacer('http://platform.test/v0'));
    expect(ipTokenPacer('http://platform.test')).not.toBe(ipTokenPacer('http://other.test'));
  });

  // The simulator counts token requests per client IP (one for in-process calls), as the platform does.
  it('keeps the provisioner’s and learning’s token requests together under 100 a second', async () => {
    const sim = createPlatformSim();
    // An origin of its own: a pacer no other test has used.
    const options: PlatformClientOptions = {
      ...simPlatform(sim),
      baseUrl: 'http://shared-ip-limit.test',
    };
    const platform = createPlatformClient(options);
    const learning = createLearningCalls(options);
    const externalIds = Array.from({ length: 150 }, (_, i) => `learner-${i}`);
    for (let i = 0; i < externalIds.length; i += 50) {
      await platform.createAccounts(externalIds.slice(i, i + 50));
    }

    // Each side asks for 150 scoped tokens at once: 300 token requests, about 3 s at the limit.
    const [accountIds, recommendations] = await Promise.all([
      Promise.all(externalIds.map((id) => platform.findAccountIdByExternalId(id))),
      Promise.allSettled(
        externalIds.map((id) => learning.recommendation(id, 'no-such-registration')),
      ),
    ]);

    expect(sim.stats().rateLimited).toBe(0);
    expect(accountIds.every((id) => typeof id === 'string')).toBe(true);
    // Every learner got a token (the unknown registration is answered 404 after it); none hit a 429.
    expect(sim.stats().calls['POST /v0/oauth/token']).toBe(1 + 150 + 150);
    expect(recommendations.every((outcome) => outcome.status === 'rejected')).toBe(true);
  });
});
