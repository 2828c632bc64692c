import { describe, expect, it } from 'vitest';
import { manualClock, simHarness } from '../test/support/simHarness.js';

describe('rate limits', () => {
  it('limits GET /v0/accounts/{id} to 15 per minute per token, with the documented 429', async () => {
    const clock = manualClock();
    const { sim, call, adminToken } = simHarness({ now: clock.now });
    const token = await adminToken();
    const path = `/v0/accounts/${sim.systemAccountId}`;
    for (let index = 0; index < 15; index++)
      expect((await call('GET', path, { token })).status).toBe(200);
    const limited = await call('GET', path, { token });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: 'Too many requests.' });
    expect(limited.headers.get('x-knewton-rate-exceeded')).toBe('token-limited');
    expect(limited.headers.get('retry-after')).toBeNull();

    // Another endpoint and another token have their own budgets.
    expect((await call('GET', '/v0/accounts/current', { token })).status).toBe(200);
    expect((await call('GET', path, { token: await adminToken() })).status).toBe(200);

    clock.advance(59_999);
    expect((await call('GET', path, { token })).status).toBe(429);
    clock.advance(1);
    expect((await call('GET', path, { token })).status).toBe(200);
  });

  it('does not process a refused request', async () => {
    const clock = manualClock();
    const { sim, call, adminToken } = simHarness({ now: clock.now });
    const token = await adminToken();
    for (let index = 0; index < 750; index++) {
      await call('POST', '/v0/accounts', { token, json: { external_user_id: `u${index}` } });
    }
    const refused = await call('POST', '/v0/accounts', {
      token,
      json: { external_user_id: 'one-too-many' },
    });
    expect(refused.status).toBe(429);
    expect(sim.stats().accounts).toBe(750);
    expect(
      sim.accounts().accounts.some((account) => account.externalUserId === 'one-too-many'),
    ).toBe(false);
  });

  it('rateLimitScale 60 applies the per-minute limits per second (option and fault)', async () => {
    const clock = manualClock();
    const { sim, call, adminToken } = simHarness({ now: clock.now, rateLimitScale: 60 });
    const token = await adminToken();
    const path = `/v0/accounts/${sim.systemAccountId}`;
    for (let index = 0; index < 15; index++) await call('GET', path, { token });
    expect((await call('GET', path, { token })).status).toBe(429);
    clock.advance(1000);
    expect((await call('GET', path, { token })).status).toBe(200);

    sim.setFaults({ rateLimitScale: 1 });
    clock.advance(1000);
    for (let index = 0; index < 15; index++) await call('GET', path, { token });
    clock.advance(1000);
    expect((await call('GET', path, { token })).status).toBe(429);
  });

  it('limits token requests to 100 per second per IP', async () => {
    const clock = manualClock();
    const { sim, tokenRequest } = simHarness({ now: clock.now });
    const form = { grant_type: 'client_credentials', scope: sim.systemExternalUserId };
    for (let index = 0; index < 100; index++) expect((await tokenRequest(form)).status).toBe(200);
    const limited = await tokenRequest(form);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-knewton-rate-exceeded')).toBe('ip-limited');
    clock.advance(1000);
    expect((await tokenRequest(form)).status).toBe(200);
  });

  it('limits other unauthenticated requests to 10 per second per IP', async () => {
    const clock = manualClock();
    const { call } = simHarness({ now: clock.now });
    for (let index = 0; index < 10; index++) {
      expect((await call('GET', '/v0/accounts/current')).status).toBe(401);
    }
    const limited = await call('GET', '/v0/accounts/current', { token: 'bogus' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-knewton-rate-exceeded')).toBe('ip-limited');
  });

  it('can be switched off', async () => {
    const { sim, call, adminToken } = simHarness({ rateLimits: false });
    const token = await adminToken();
    for (let index = 0; index < 40; index++) {
      expect((await call('GET', `/v0/accounts/${sim.systemAccountId}`, { token })).status).toBe(
        200,
      );
    }
  });
});
