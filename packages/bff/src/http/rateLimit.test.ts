import { parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';
import { createRateLimiter } from './createRateLimiter.js';
import { createUserRateLimits } from './createUserRateLimits.js';

describe('createRateLimiter', () => {
  it('allows a burst of `requests`, then refills continuously over the window', () => {
    let now = 0;
    const limiter = createRateLimiter({ requests: 3, windowMs: 3000 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
    now = 999;
    expect(limiter.take('a')).toBe(1);
    // Two seconds refill two of the three requests.
    now = 2000;
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBe(1);
  });

  it('answers the wait in whole seconds, rounded up', () => {
    let now = 0;
    const limiter = createRateLimiter({ requests: 1, windowMs: 10_000 }, () => now);
    limiter.take('a');
    expect(limiter.take('a')).toBe(10);
    now = 9_500;
    expect(limiter.take('a')).toBe(1);
  });

  it('forgets idle users once many are tracked, and still limits active ones', () => {
    let now = 0;
    const limiter = createRateLimiter({ requests: 1, windowMs: 1000 }, () => now);
    limiter.take('busy');
    for (let i = 0; i < 10_001; i++) limiter.take(`idle-${i}`);
    now = 500;
    expect(limiter.take('busy')).toBe(1);
  });
});

describe('per-user rate limit on the account routes', () => {
  let h: BffHarness;
  beforeAll(async () => {
    h = await createBffHarness({
      bff: { limits: { rateLimit: { requests: 3, windowMs: 60_000 } } },
    });
  }, harnessTimeoutMs);
  afterAll(() => h.dispose());

  it('answers 429 rate_limited with Retry-After past the budget, for that user only', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await h.request('/api/knewton/account', { method: 'PUT', user: 'eager-user' });
      expect(ok.status).toBeLessThan(300);
    }
    const creates = h.calls('POST /v0/accounts');
    const limited = await h.request('/api/knewton/account', { method: 'PUT', user: 'eager-user' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(parseErrorBody(await limited.json())?.error).toMatchObject({
      code: 'rate_limited',
      retryable: true,
    });
    const read = await h.request('/api/knewton/account', { user: 'eager-user' });
    expect(read.status).toBe(429);
    expect(h.calls('POST /v0/accounts')).toBe(creates);

    const other = await h.request('/api/knewton/account', { method: 'PUT', user: 'calm-user' });
    expect(other.status).toBe(201);
  });

  it('does not count requests refused before identity is known', async () => {
    for (let i = 0; i < 5; i++) {
      const refused = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'careful-user',
        csrf: false,
      });
      expect(refused.status).toBe(403);
    }
    const ok = await h.request('/api/knewton/account', { method: 'PUT', user: 'careful-user' });
    expect(ok.status).toBe(201);
  });
});

describe('createUserRateLimits', () => {
  it('gives each route its own budget per user, and answers 429 rate_limited with Retry-After past it', () => {
    let now = 0;
    const limits = createUserRateLimits(
      {
        account: { requests: 1, windowMs: 10_000 },
        recommendation: false,
        events: { requests: 2, windowMs: 10_000 },
      },
      () => now,
    );
    limits.spend('events', 'ada');
    limits.spend('events', 'ada');
    // Events spent ada's events budget only: her account budget and bob's events budget are whole.
    limits.spend('account', 'ada');
    limits.spend('events', 'bob');
    let refused: unknown;
    try {
      limits.spend('events', 'ada');
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 5 });
    // No limit on recommendations.
    for (let i = 0; i < 100; i++) limits.spend('recommendation', 'ada');
    now = 5_000;
    limits.spend('events', 'ada');
  });
});
