import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../test/support/createCapturingLogger.js';
import { simOnTestClock } from '../../test/support/simOnTestClock.js';
import { KnewtonUnavailableError } from '../errors.js';
import { BatchUnavailableError } from './BatchUnavailableError.js';
import { createPlatformClient } from './createPlatformClient.js';
import type { PlatformClientOptions } from './PlatformClientOptions.js';

describe('createPlatformClient', () => {
  it("takes the simulator's in-process fetch as it is", async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient({ ...env.platform, fetch: env.sim.fetch });
    expect(await env.drive(platform.createAccount('ext-direct'))).toMatchObject({
      kind: 'created',
    });
  });

  it('labels requests with the caller request id; the shared system token request with none', async () => {
    const env = simOnTestClock();
    await env.drive(
      createPlatformClient(env.platform).createAccount('ext-1', { requestId: 'req-7' }),
    );
    expect(env.sent.map((request) => request.label)).toEqual(['', 'req-7']);
  });

  it('retries a failed token request as it retries any call', async () => {
    const env = simOnTestClock({ platform: { maxRetries: 2 } });
    env.sim.setFaults({ errorRate: 1, errorStatus: 502 });
    const failure = await env
      .drive(createPlatformClient(env.platform).checkToken())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502 });
    expect(env.count('POST /v0/oauth/token')).toBe(3);
  });

  it('reports an external id the platform refuses as a refusal, not a duplicate', async () => {
    const env = simOnTestClock();
    const failure = await env
      .drive(createPlatformClient(env.platform).createAccount('jane@example.com'))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect(failure).toMatchObject({ status: 422, retryAfterSeconds: 30 });
    expect(env.sim.stats().accounts).toBe(0);
  });

  it('creates up to 50 accounts in one batch, answering each item: created, duplicate or refused', async () => {
    const env = simOnTestClock();
    const platform = createPlatformClient(env.platform);
    await env.drive(platform.createAccount('ext-1'));
    const outcomes = await env.drive(
      platform.createAccounts(['ext-0', 'ext-1', 'jane@example.com']),
    );
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['created', 'duplicate', 'refused']);
    // The platform's message may quote the external id: never passed on.
    expect(JSON.stringify(outcomes[2])).not.toContain('jane');
    expect(env.count('POST /v0/batch')).toBe(1);
    await expect(platform.createAccounts([])).rejects.toBeInstanceOf(RangeError);
    const tooMany = Array.from({ length: 51 }, (_, i) => `ext-x${i}`);
    await expect(platform.createAccounts(tooMany)).rejects.toBeInstanceOf(RangeError);
  });

  for (const status of [404, 405, 410]) {
    it(`switches to single creates when /batch answers ${status}, and says so once`, async () => {
      const lines: string[] = [];
      const env = simOnTestClock({
        intercept: async (request, next) =>
          request.url.endsWith('/v0/batch') ? new Response(null, { status }) : next(request),
        platform: { logger: createCapturingLogger(lines) },
      });
      const platform = createPlatformClient(env.platform);
      const { creationSlots } = platform;
      const perMinuteBefore = creationSlots.accountsPerMinute();
      const twice = [
        platform.createAccounts(['ext-a']),
        platform.createAccounts(['ext-b'], undefined, { slot: creationSlots.tryTakeBatch() }),
      ].map((call) => call.catch((error: unknown) => error));
      for (const failure of await env.drive(Promise.all(twice)))
        expect(failure).toBeInstanceOf(BatchUnavailableError);
      expect(creationSlots.batchAvailable).toBe(false);
      expect(creationSlots.tryTakeBatch()).toBeUndefined();
      expect(creationSlots.accountsPerMinute()).toBe(750);
      expect(perMinuteBefore).toBe(750 + 90 * 50);
      expect(lines.filter((line) => line.includes('/v0/batch is not available'))).toHaveLength(1);
      // From now on no batch is sent at all.
      const sentBefore = env.count('POST /v0/batch');
      await expect(env.drive(platform.createAccounts(['ext-c']))).rejects.toBeInstanceOf(
        BatchUnavailableError,
      );
      expect(env.count('POST /v0/batch')).toBe(sentBefore);
      expect(await env.drive(platform.createAccount('ext-c'))).toMatchObject({ kind: 'created' });
    });
  }

  it('validates its options, naming the option', () => {
    const env = simOnTestClock();
    const client = (overrides: Partial<PlatformClientOptions>) =>
      createPlatformClient({ ...env.platform, ...overrides });
    expect(() => client({ baseUrl: 'ftp://x' })).toThrow('`baseUrl`');
    const withCredentials = () => client({ baseUrl: 'https://key:s3cret@api.knewton.test' });
    expect(withCredentials).toThrow('`baseUrl` must not contain credentials');
    expect(withCredentials).not.toThrow('s3cret');
    expect(() => client({ apiKey: '' })).toThrow('`apiKey`');
    expect(() => client({ maxRetries: -1 })).toThrow('`maxRetries`');
    expect(() => client({ maxRateLimitRetries: 11 })).toThrow('`maxRateLimitRetries`');
    expect(() => client({ fetch: 'nope' as never })).toThrow('`fetch`');
    expect(() => client({ clock: {} as never })).toThrow('`clock`');
    expect(() => client({ rateLimits: { timeScale: 0 } })).toThrow('`rateLimits.timeScale`');
  });
});
