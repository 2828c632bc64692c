import { describe, expect, it } from 'vitest';
import { simOnTestClock } from '../../test/support/simOnTestClock.js';
import { KnewtonUnavailableError } from '../errors.js';
import { createPlatformClient } from './createPlatformClient.js';

const accounts = 'POST /v0/accounts';
const tooManyRequests = (delayMs?: number) =>
  new Response(JSON.stringify({ message: 'Too many requests.' }), {
    status: 429,
    headers: {
      'x-knewton-rate-exceeded': 'token-limited',
      ...(delayMs === undefined ? {} : { 'x-knewton-rate-delay': String(delayMs) }),
    },
  });

describe('the call policy, through the account calls', () => {
  it('waits as long as X-Knewton-Rate-Delay says before resending a 429', async () => {
    let refused = false;
    const env = simOnTestClock({
      intercept: async (request, next) => {
        if (request.url.endsWith('/v0/accounts') && !refused) {
          refused = true;
          return tooManyRequests(3_000);
        }
        return next(request);
      },
    });
    const platform = createPlatformClient(env.platform);
    expect(await env.drive(platform.createAccount('ext-paced'))).toMatchObject({ kind: 'created' });
    const [first, second] = env.sent.filter((request) => request.route === accounts);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(3_000);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeLessThan(3_100);
    expect(env.sim.stats().accounts).toBe(1);
  });

  it('gives up on an endless 429 storm after a bounded number of resends', async () => {
    const env = simOnTestClock({ platform: { maxRateLimitRetries: 3 } });
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.checkToken());
    env.sim.setFaults({ errorRate: 1, errorStatus: 429 });
    const failure = await env
      .drive(platform.createAccount('ext-1'))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect(failure).toMatchObject({ status: 429 });
    expect(env.count(accounts)).toBe(4);
  });

  it('retries a 5xx a bounded number of times, backing off, then reports the platform unavailable', async () => {
    const env = simOnTestClock({ platform: { maxRetries: 2, retryBaseDelayMs: 100 } });
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.checkToken());
    env.sim.setFaults({ errorRate: 1, errorStatus: 502 });
    const failure = await env
      .drive(platform.createAccount('ext-1'))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, retryAfterSeconds: 2 });
    const sentAt = env.sent.filter((request) => request.route === accounts).map((r) => r.at);
    expect(sentAt).toHaveLength(3);
    // Back-off with jitter: 50-100 ms, then 100-200 ms.
    const gaps = sentAt.slice(1).map((at, i) => at - (sentAt[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(50);
    expect(gaps[0]).toBeLessThanOrEqual(110);
    expect(gaps[1]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeLessThanOrEqual(210);
  });

  it('reports a hanging platform as timed out after its retries', async () => {
    const env = simOnTestClock({ platform: { timeoutMs: 200, maxRetries: 1 } });
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.checkToken());
    env.sim.setFaults({ hang: true });
    const failure = await env
      .drive(platform.createAccount('ext-1'))
      .catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/timed out after 200 ms/);
    expect(env.count(accounts)).toBe(2);
    env.sim.setFaults({});
  });

  it('reports an unreachable platform after its retries', async () => {
    const env = simOnTestClock({
      platform: {
        maxRetries: 1,
        fetch: () => Promise.reject(new TypeError('fetch failed')),
      },
    });
    const failure = await env
      .drive(createPlatformClient(env.platform).checkToken())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect((failure as Error).message).toMatch(/failed to connect/);
  });

  it('abort cuts calls in flight and pacing waits short, and refuses later calls', async () => {
    const env = simOnTestClock({ platform: { rateLimits: { accountCreatesPerMinute: 1 } } });
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.createAccount('ext-0'));
    // The window is spent: this one waits for a slot.
    const waiting = platform.createAccount('ext-1').catch((error: unknown) => error);
    await env.advance(1_000);
    platform.abort();
    const failure = await env.drive(waiting);
    expect((failure as Error).message).toMatch(/shutting down/);
    expect(failure).toMatchObject({ retryAfterSeconds: 5 });
    const later = await env.drive(platform.createAccount('ext-2')).catch((error: unknown) => error);
    expect((later as Error).message).toMatch(/shutting down/);
    expect(env.count(accounts)).toBe(1);
  });

  it('abort cuts a request in flight short', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.checkToken());
    env.sim.setFaults({ hang: true });
    const inFlight = platform.createAccount('ext-1').catch((error: unknown) => error);
    await env.advance(100);
    platform.abort();
    expect((await env.drive(inFlight)) as Error).toMatchObject({
      message: expect.stringMatching(/shutting down/),
    });
    expect(env.clock.now() - (env.sent.at(-1)?.at ?? 0)).toBeLessThan(1_000);
    env.sim.setFaults({});
  });

  it('holds a slot of an attempt that timed out for a window; frees one never sent at once', async () => {
    const env = simOnTestClock({
      platform: {
        timeoutMs: 200,
        maxRetries: 0,
        rateLimits: { accountCreatesPerMinute: 1, batchCallsPerMinute: 0 },
      },
    });
    const platform = createPlatformClient(env.platform);
    const slots = platform.creationSlots;
    // Never sent: the token request failed first.
    env.sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const unsent = slots.tryTakeSingle();
    await env.drive(platform.createAccount('ext-1', undefined, { slot: unsent })).catch(() => {});
    expect(env.count(accounts)).toBe(0);
    expect(slots.accountsStartableWithin(0)).toBe(1);
    // Sent and timed out: it may have arrived, so its slot counts a whole window from then.
    env.sim.setFaults({});
    await env.advance(1_000);
    await env.drive(platform.checkToken());
    env.sim.setFaults({ hang: true });
    const sent = slots.tryTakeSingle();
    await env.drive(platform.createAccount('ext-1', undefined, { slot: sent })).catch(() => {});
    expect(env.count(accounts)).toBe(1);
    expect(slots.tryTakeSingle()).toBeUndefined();
    expect(slots.nextFreeInMs()).toBe(
      60_020 - (env.clock.now() - (env.sent.at(-1)?.at ?? 0) - 200),
    );
    env.sim.setFaults({});
  });
});
