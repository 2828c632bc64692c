import { createPlatformSim, type PlatformSim } from '@knewton-kit/platform-sim';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { KnewtonUnavailableError } from '../errors.js';
import { createPlatformClient } from './createPlatformClient.js';
import type { PlatformClientOptions } from './PlatformClientOptions.js';

let sim: PlatformSim;
let labels: string[];

beforeEach(() => {
  sim = createPlatformSim();
  labels = [];
});

function client(overrides: Partial<PlatformClientOptions> = {}) {
  return createPlatformClient({
    baseUrl: 'http://knewton.test',
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    systemExternalUserId: sim.systemExternalUserId,
    retryBaseDelayMs: 5,
    fetch: async (request) => {
      labels.push(request.headers.get('request-label') ?? '');
      return sim.fetch(request);
    },
    ...overrides,
  });
}

const calls = (route: string) => sim.stats().calls[route] ?? 0;

describe('createPlatformClient', () => {
  it('creates accounts with one cached system token', async () => {
    const platform = client();
    const outcomes = await Promise.all(
      ['ext-a', 'ext-b', 'ext-c'].map((id) => platform.createAccount(id)),
    );
    expect(outcomes.every((outcome) => outcome.kind === 'created')).toBe(true);
    expect(calls('POST /v0/oauth/token')).toBe(1);
    expect(
      sim
        .accounts()
        .accounts.map((a) => a.externalUserId)
        .sort(),
    ).toEqual(['ext-a', 'ext-b', 'ext-c']);
  });

  it('reports a duplicate as an outcome and finds its account id with a scoped token', async () => {
    const platform = client();
    const created = await platform.createAccount('ext-dup');
    expect(await platform.createAccount('ext-dup')).toEqual({ kind: 'duplicate' });
    expect(
      created.kind === 'created' &&
        (await platform.findAccountIdByExternalId('ext-dup')) === created.accountId,
    ).toBe(true);
    expect(await platform.findAccountIdByExternalId('ext-never-created')).toBeUndefined();
    expect(sim.stats().accounts).toBe(1);
  });

  it('refreshes the token once for many callers after it expires', async () => {
    const platform = client();
    await platform.createAccount('ext-0');
    sim.setFaults({ expireTokens: true });
    await Promise.all(Array.from({ length: 10 }, (_, i) => platform.createAccount(`ext-${i + 1}`)));
    expect(calls('POST /v0/oauth/token')).toBe(2);
    expect(sim.stats().accounts).toBe(11);
  });

  it("takes the simulator's in-process fetch as it is", async () => {
    const platform = client({ fetch: sim.fetch });
    expect(await platform.createAccount('ext-direct')).toMatchObject({ kind: 'created' });
  });

  it('refreshes the token shortly before it expires, without provoking a 401', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const platform = client();
      await platform.checkToken();
      // 3599 s tokens: 30 s before expiry is inside the refresh margin.
      vi.setSystemTime(Date.now() + 3_569_000);
      await platform.createAccount('ext-late');
      expect(calls('POST /v0/oauth/token')).toBe(2);
      expect(calls('POST /v0/accounts')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits as long as X-Knewton-Rate-Delay says before resending a 429', async () => {
    const sent: number[] = [];
    let refused = false;
    const platform = client({
      fetch: async (request) => {
        if (new URL(request.url).pathname === '/v0/accounts') {
          sent.push(performance.now());
          if (!refused) {
            refused = true;
            return new Response(JSON.stringify({ message: 'Too many requests.' }), {
              status: 429,
              headers: {
                'x-knewton-rate-exceeded': 'token-limited',
                'x-knewton-rate-delay': '300',
              },
            });
          }
        }
        return sim.fetch(request);
      },
    });
    expect(await platform.createAccount('ext-paced')).toMatchObject({ kind: 'created' });
    expect(sent).toHaveLength(2);
    expect((sent[1] as number) - (sent[0] as number)).toBeGreaterThanOrEqual(290);
    expect(sim.stats().accounts).toBe(1);
  });

  it('labels requests with the caller request id', async () => {
    await client().createAccount('ext-1', { requestId: 'req-7' });
    expect(labels).toEqual(['', 'req-7']);
  });

  it('does not retry refused credentials', async () => {
    const failure = await client({ apiSecret: 'wrong' })
      .checkToken()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect((failure as KnewtonUnavailableError).status).toBe(401);
    expect((failure as Error).message).not.toContain('wrong');
    expect(calls('POST /v0/oauth/token')).toBe(1);
  });

  it('retries 5xx a bounded number of times, then reports the platform unavailable', async () => {
    sim.setFaults({ errorRate: 1, errorStatus: 502 });
    const failure = await client({ maxRetries: 2 })
      .checkToken()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect((failure as KnewtonUnavailableError).status).toBe(502);
    expect(calls('POST /v0/oauth/token')).toBe(3);
  });

  it('reports an external id the platform refuses as a refusal, not a duplicate', async () => {
    const failure = await client()
      .createAccount('jane@example.com')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect((failure as KnewtonUnavailableError).status).toBe(422);
    expect(sim.stats().accounts).toBe(0);
  });

  it('reports an unreachable platform after its retries', async () => {
    const failure = await createPlatformClient({
      baseUrl: 'http://127.0.0.1:1',
      apiKey: 'k',
      apiSecret: 's',
      systemExternalUserId: 'sys',
      maxRetries: 1,
      retryBaseDelayMs: 5,
    })
      .checkToken()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnewtonUnavailableError);
    expect((failure as Error).message).toMatch(/failed to connect/);
  });

  it('validates its options, naming the option', () => {
    expect(() => client({ baseUrl: 'ftp://x' })).toThrow('`baseUrl`');
    const withCredentials = () => client({ baseUrl: 'https://key:s3cret@api.knewton.test' });
    expect(withCredentials).toThrow('`baseUrl` must not contain credentials');
    expect(withCredentials).not.toThrow('s3cret');
    expect(() => client({ apiKey: '' })).toThrow('`apiKey`');
    expect(() => client({ maxRetries: -1 })).toThrow('`maxRetries`');
    expect(() => client({ maxRateLimitRetries: 11 })).toThrow('`maxRateLimitRetries`');
    expect(() => client({ fetch: 'nope' as never })).toThrow('`fetch`');
  });
});
