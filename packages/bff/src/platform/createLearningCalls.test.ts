import { describe, expect, it } from 'vitest';
import { simOnTestClock } from '../../test/support/simOnTestClock.js';
import { sleep } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import { createLearningCalls } from './createLearningCalls.js';
import { createPlatformClient } from './createPlatformClient.js';

const instances = 'GET /v0/learning-instances';

/** A learner with an account on the simulator (its registration id is made up: only the token matters). */
async function withLearner(env: ReturnType<typeof simOnTestClock>) {
  await env.drive(createPlatformClient(env.platform).createAccount('learner-1'));
  env.sent.length = 0;
}

describe('createLearningCalls', () => {
  it('makes one attempt on a 5xx: a browser is waiting and its query layer retries', async () => {
    const env = simOnTestClock();
    const learning = createLearningCalls(env.platform);
    await env.drive(learning.findLearningInstanceByName('x'));
    env.sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const failure = await env.drive(learning.findLearningInstanceByName('x')).catch((e) => e);
    expect(failure).toMatchObject({ status: 503, retryAfterSeconds: 2 });
    expect(env.count(instances)).toBe(2);
  });

  it('makes one attempt on a 429 and says to come back in 5 s', async () => {
    const env = simOnTestClock();
    const learning = createLearningCalls(env.platform);
    await env.drive(learning.findLearningInstanceByName('x'));
    env.sim.setFaults({ errorRate: 1, errorStatus: 429 });
    const failure = await env.drive(learning.findLearningInstanceByName('x')).catch((e) => e);
    expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 5 });
    expect(env.count(instances)).toBe(2);
  });

  it('renews an expired token and resends once, with the caller’s label', async () => {
    const env = simOnTestClock();
    const learning = createLearningCalls(env.platform);
    await env.drive(learning.findLearningInstanceByName('x'));
    env.sim.setFaults({ expireTokens: true });
    await env.drive(learning.findLearningInstanceByName('x', { requestId: 'req-7' }));
    expect(env.sent.map((request) => [request.route, request.label])).toEqual([
      ['POST /v0/oauth/token', ''],
      [instances, ''],
      [instances, 'req-7'],
      ['POST /v0/oauth/token', ''],
      [instances, 'req-7'],
    ]);
  });

  it('labels a learner’s token request with the request that needed it', async () => {
    const env = simOnTestClock();
    await withLearner(env);
    const learning = createLearningCalls(env.platform);
    await env
      .drive(learning.recommendation('learner-1', 'no-such-registration', { requestId: 'req-9' }))
      .catch(() => {});
    expect(env.sent.map((request) => request.label)).toEqual(['req-9', 'req-9']);
  });

  it('gives a batch of events its whole budget, then abandons it', async () => {
    const env = simOnTestClock();
    await withLearner(env);
    const learning = createLearningCalls(env.platform);
    // The learner's token in hand (the made-up registration is then refused).
    await env.drive(learning.recommendation('learner-1', 'r-1')).catch(() => {});
    env.sim.setFaults({ hang: true });
    const startedAt = env.clock.now();
    const failure = await env
      .drive(learning.sendBatchEvents('learner-1', 'r-1', [], undefined, { ms: 8_000 }))
      .catch((e) => e);
    // Longer than the client's 5 s timeout: the budget, not `timeoutMs`, bounds this call.
    expect((failure as Error).message).toMatch(/gave up: its budget of 8000 ms ran out/);
    expect(env.clock.now() - startedAt).toBeGreaterThanOrEqual(8_000);
    expect(env.clock.now() - startedAt).toBeLessThan(8_100);
    env.sim.setFaults({});
  });

  it('waits for a token only as long as the budget', async () => {
    const env = simOnTestClock();
    await withLearner(env);
    const learning = createLearningCalls(env.platform);
    env.sim.setFaults({ hang: true });
    const startedAt = env.clock.now();
    const failure = await env
      .drive(learning.sendBatchEvents('learner-1', 'r-1', [], undefined, { ms: 1_000 }))
      .catch((e) => e);
    expect((failure as Error).message).toMatch(
      /gave up waiting for a token: its budget of 1000 ms/,
    );
    expect(env.clock.now() - startedAt).toBeLessThan(1_100);
    expect(env.count('POST /v0/registrations/r-1/batch-events')).toBe(0);
    env.sim.setFaults({});
  });

  it('counts the token wait, the request and the retry after a 401 against one budget', async () => {
    let answers = 0;
    const env = simOnTestClock({
      intercept: async (request, next) => {
        if (!request.url.endsWith('/batch-events')) return next(request);
        answers++;
        // The first answer takes 600 ms and is a 401; the resend never answers.
        if (answers === 1) {
          await sleep(env.clock, 600);
          return new Response(null, { status: 401 });
        }
        return new Promise<Response>((_, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason)),
        );
      },
    });
    await withLearner(env);
    const learning = createLearningCalls(env.platform);
    const startedAt = env.clock.now();
    const failure = await env
      .drive(learning.sendBatchEvents('learner-1', 'r-1', [], undefined, { ms: 1_000 }))
      .catch((e) => e);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect((failure as Error).message).toMatch(/gave up: its budget of 1000 ms ran out/);
    expect(answers).toBe(2);
    expect(env.clock.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    expect(env.clock.now() - startedAt).toBeLessThan(1_100);
  });

  it('reports a batch the platform will never take as refused, and a second 401 as unavailable', async () => {
    const env = simOnTestClock({
      intercept: async (request, next) =>
        request.url.endsWith('/batch-events') ? new Response(null, { status: 401 }) : next(request),
    });
    await withLearner(env);
    const learning = createLearningCalls(env.platform);
    const failure = await env
      .drive(learning.sendBatchEvents('learner-1', 'r-1', [], undefined, { ms: 5_000 }))
      .catch((e) => e);
    expect(failure).toMatchObject({ status: 401, retryAfterSeconds: 5 });
    const refused = await env.drive(
      createLearningCalls(simOnTestClock().platform)
        .sendBatchEvents('learner-1', 'r-1', [], undefined, { ms: 5_000 })
        .catch((e) => e),
    );
    // An unknown learner: the platform refuses the token request itself.
    expect(refused).toMatchObject({ retryAfterSeconds: 30 });
  });
});
