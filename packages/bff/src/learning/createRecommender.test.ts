import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { ApiError } from '../http/ApiError.js';
import type { LearningCalls, PlatformRecommendation } from '../platform/createLearningCalls.js';
import type { AccountRow } from '../store/AccountStore.js';
import { createRecommender } from './createRecommender.js';

const learner: AccountRow = {
  appUserId: 'ada',
  externalId: 'ext-ada',
  keyVersion: 'v1',
  accountId: 'acct-ada',
  createdAt: new Date(0),
};

/** A platform that answers every recommendation at once; `asked` counts the calls. */
function setUp(cacheMs: number) {
  let asked = 0;
  const calls = {
    recommendation: async (): Promise<PlatformRecommendation> => ({
      recommendationId: `rec-${++asked}`,
      moduleIds: ['m1'],
      status: 'ready',
    }),
  } as unknown as LearningCalls;
  const clock = createTestClock();
  const recommender = createRecommender({
    calls,
    registrar: { registrationId: async () => 'reg-ada', knownRegistrationId: () => 'reg-ada' },
    cacheMs,
    clock,
  });
  return { recommender, asked: () => asked, advance: (ms: number) => clock.advance(ms) };
}

describe('createRecommender', () => {
  it('with the cache off, answers 429 past 15 calls a minute even within the same millisecond', async () => {
    // A fast in-process request can follow the 15th within one millisecond: "at most 0 ms old" once
    // served the 15th's answer again instead of refusing.
    const { recommender, asked } = setUp(0);
    for (let i = 0; i < 15; i++) await recommender.recommend(learner);
    const refused = await recommender.recommend(learner).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect((refused as ApiError).retryAfterSeconds).toBeGreaterThan(0);
    expect(asked()).toBe(15);
  });

  it('past the budget, serves the last answer while it is at most cacheMs old, then refuses', async () => {
    const { recommender, asked, advance } = setUp(5_000);
    for (let i = 0; i < 15; i++) await recommender.recommend(learner);
    await advance(5_000);
    expect((await recommender.recommend(learner)).recommendationId).toBe('rec-15');
    await advance(1);
    await expect(recommender.recommend(learner)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(asked()).toBe(15);
  });

  it("asks the platform again once the learner's oldest call leaves the 62 s window", async () => {
    const { recommender, asked, advance } = setUp(0);
    for (let i = 0; i < 15; i++) await recommender.recommend(learner);
    await advance(61_999);
    await expect(recommender.recommend(learner)).rejects.toMatchObject({ code: 'rate_limited' });
    await advance(1);
    expect((await recommender.recommend(learner)).recommendationId).toBe('rec-16');
    expect(asked()).toBe(16);
  });
});
