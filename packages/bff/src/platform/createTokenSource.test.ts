import { describe, expect, it } from 'vitest';
import { type SimOnTestClock, simOnTestClock } from '../../test/support/simOnTestClock.js';
import { KnewtonUnavailableError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { createCallPolicy } from './createCallPolicy.js';
import { createLearningCalls } from './createLearningCalls.js';
import { createPlatformClient } from './createPlatformClient.js';
import { createPlatformTransport } from './createPlatformTransport.js';
import { createTokenSource } from './createTokenSource.js';
import { SlidingWindowPacer } from './slidingWindowPacer.js';

const token = 'POST /v0/oauth/token';

/** A token source on its own, with learner accounts `learner-0..count-1` on the simulator. */
async function tokenSourceWithLearners(env: SimOnTestClock, count: number, maxScopedTokens = 10) {
  const accounts = createPlatformClient(env.platform);
  await env.drive(accounts.createAccounts(Array.from({ length: count }, (_, i) => `learner-${i}`)));
  const transport = createPlatformTransport({
    baseUrl: env.platform.baseUrl,
    timeoutMs: 5_000,
    fetch: env.platform.fetch,
    clock: env.clock,
  });
  const policy = createCallPolicy({
    clock: env.clock,
    logger: silentLogger,
    timeoutMs: 5_000,
    retryBaseDelayMs: 100,
    retries: { maxRetries: 0, maxRateLimitRetries: 0, rateLimitedRetryAfterSeconds: 5 },
  });
  const tokens = createTokenSource({
    ...env.platform,
    transport,
    policy,
    tokenPacer: new SlidingWindowPacer(100, 1_020, env.clock),
    clock: env.clock,
    maxScopedTokens,
  });
  env.sent.length = 0;
  return tokens;
}

describe('createTokenSource', () => {
  it('asks once for many callers of one scope, and keeps the token', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    const outcomes = await env.drive(
      Promise.all(['ext-a', 'ext-b', 'ext-c'].map((id) => platform.createAccount(id))),
    );
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['created', 'created', 'created']);
    await env.drive(platform.createAccount('ext-d'));
    expect(env.count(token)).toBe(1);
  });

  it('renews a token before it expires (no 401 provoked), once for many callers', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.checkToken());
    // The simulator's tokens live 3599 s; 30 s before that is inside the refresh margin (a minute).
    await env.clock.advance(3_569_000);
    await env.drive(
      Promise.all(Array.from({ length: 5 }, (_, i) => platform.createAccount(`ext-${i}`))),
    );
    expect(env.count(token)).toBe(2);
    expect(env.count('POST /v0/accounts')).toBe(5);
  });

  it('keeps using a token up to its refresh point', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.checkToken());
    await env.clock.advance(3_538_000);
    await env.drive(platform.createAccount('ext-1'));
    expect(env.count(token)).toBe(1);
  });

  it('on a 401 drops only the token that failed: one renewal for many callers, other scopes untouched', async () => {
    const env = simOnTestClock();
    const tokens = await tokenSourceWithLearners(env, 2);
    const [first] = await env.drive(
      Promise.all([tokens.token('learner-0'), tokens.token('learner-1')]),
    );
    // Two callers saw the same token fail; the first renews, the second must not drop the new one.
    tokens.drop('learner-0', first);
    const renewed = await env.drive(tokens.token('learner-0'));
    tokens.drop('learner-0', first);
    expect(await env.drive(tokens.token('learner-0'))).toBe(renewed);
    await env.drive(tokens.token('learner-1'));
    expect(env.sent.map((request) => request.scope)).toEqual([
      'learner-0',
      'learner-1',
      'learner-0',
    ]);
  });

  it('keeps a bounded number of learner tokens, never at the cost of the system token', async () => {
    const env = simOnTestClock();
    const tokens = await tokenSourceWithLearners(env, 3, 2);
    await env.drive(tokens.token(tokens.systemScope));
    for (const scope of ['learner-0', 'learner-1', 'learner-2', 'learner-0'])
      await env.drive(tokens.token(scope));
    await env.drive(tokens.token(tokens.systemScope));
    expect(env.sent.map((request) => request.scope)).toEqual([
      env.sim.systemExternalUserId,
      'learner-0',
      'learner-1',
      'learner-2',
      'learner-0',
    ]);
  });

  it('finds an account id with a fresh scoped request, and none for an unknown external id', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    const created = await env.drive(platform.createAccount('ext-dup'));
    expect(await env.drive(platform.createAccount('ext-dup'))).toEqual({ kind: 'duplicate' });
    expect(created.kind === 'created' && created.accountId).toBe(
      await env.drive(platform.findAccountIdByExternalId('ext-dup')),
    );
    expect(
      await env.drive(platform.findAccountIdByExternalId('ext-never-created')),
    ).toBeUndefined();
    expect(env.sim.stats().accounts).toBe(1);
  });

  it('reports refused credentials at once, every time, without retrying or pausing', async () => {
    const env = simOnTestClock({ platform: { apiSecret: 'wrong' } });
    const platform = createPlatformClient(env.platform);
    for (let i = 0; i < 2; i++) {
      const failure = await env.drive(platform.checkToken()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KnewtonUnavailableError);
      expect(failure).toMatchObject({ status: 401, retryAfterSeconds: 30 });
      expect((failure as Error).message).toMatch(/refused the system credentials/);
      expect((failure as Error).message).not.toContain('wrong');
    }
    expect(env.count(token)).toBe(2);
  });

  it('after failed token requests, pauses: callers fail at once with the time left, then one probe goes', async () => {
    const env = simOnTestClock();
    const learning = createLearningCalls(env.platform);
    env.sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const ask = () =>
      env.drive(learning.findLearningInstanceByName('x')).catch((error: unknown) => error);
    // Failures one to three: pauses of 0.5-1 s, 1-2 s (both waited out) and 2-4 s.
    for (let failures = 1; failures <= 3; failures++) {
      expect(await ask()).toMatchObject({ status: 503 });
      expect(env.count(token)).toBe(failures);
    }
    const refused = await ask();
    expect(refused).toBeInstanceOf(KnewtonUnavailableError);
    expect((refused as Error).message).toMatch(/failed 3 times in a row/);
    const { retryAfterSeconds } = refused as KnewtonUnavailableError;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(4);
    expect(env.count(token)).toBe(3);
    // Back: after the pause the next caller's request goes, and from then on no pause.
    env.sim.setFaults({});
    await env.advance(retryAfterSeconds * 1_000);
    expect(await env.drive(learning.findLearningInstanceByName('x'))).toBeUndefined();
    expect(env.count(token)).toBe(4);
  });

  it('while one scope’s request is out unanswered, other scopes wait for it and share its failure', async () => {
    const env = simOnTestClock();
    const tokens = await tokenSourceWithLearners(env, 3);
    env.sim.setFaults({ hang: true });
    const asks = ['learner-0', 'learner-1', 'learner-2'].map((scope) =>
      env.drive(tokens.token(scope)).catch((error: unknown) => error),
    );
    const failures = await Promise.all(asks);
    // One request, timed out after 5 s; the others never left.
    expect(env.sent.map((request) => request.scope)).toEqual(['learner-0']);
    for (const failure of failures) expect((failure as Error).message).toMatch(/timed out/);
    env.sim.setFaults({});
  });
});
