import { afterEach, describe, expect, it, vi } from 'vitest';
import { simHarness } from '../test/support/simHarness.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('faults (in-process)', () => {
  it('errorRate 1 answers errorStatus before anything is processed; {} clears', async () => {
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    sim.setFaults({ errorRate: 1, errorStatus: 500 });
    const failed = await call('POST', '/v0/accounts', { token, json: { external_user_id: 'a' } });
    expect(failed.status).toBe(500);
    expect(failed.body.message).toEqual(expect.any(String));
    expect(sim.stats().accounts).toBe(0);
    expect(sim.stats().calls['POST /v0/accounts']).toBe(1);
    sim.setFaults({});
    expect(
      (await call('POST', '/v0/accounts', { token, json: { external_user_id: 'a' } })).status,
    ).toBe(201);
  });

  it('errorRate defaults to 503 and applies to the token endpoint too, never to /__sim', async () => {
    const { sim, tokenRequest, call } = simHarness();
    sim.setFaults({ errorRate: 1 });
    const answer = await tokenRequest({
      grant_type: 'client_credentials',
      scope: sim.systemExternalUserId,
    });
    expect(answer.status).toBe(503);
    expect((await call('GET', '/__sim/stats')).status).toBe(200);
  });

  it('a fractional errorRate fails about that share of requests, the same way on every run', async () => {
    const run = async () => {
      const { sim, call, adminToken } = simHarness({ rateLimits: false });
      const token = await adminToken();
      sim.setFaults({ errorRate: 0.3 });
      const statuses: number[] = [];
      for (let index = 0; index < 200; index++) {
        statuses.push((await call('GET', '/v0/accounts/current', { token })).status);
      }
      return statuses;
    };
    const first = await run();
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
    expect(first.every((status) => status === 200 || status === 503)).toBe(true);
    expect(await run()).toEqual(first);
  });

  it('errorStatus 429 looks exactly like a real rate limit (a 429 storm)', async () => {
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    sim.setFaults({ errorRate: 1, errorStatus: 429 });
    const answer = await call('POST', '/v0/accounts', { token, json: { external_user_id: 'a' } });
    expect(answer.status).toBe(429);
    expect(answer.body).toEqual({ message: 'Too many requests.' });
    expect(answer.headers.get('x-knewton-rate-exceeded')).toBe('partner-soft-limited');
    expect(sim.stats().accounts).toBe(0);
  });

  it('latencyMs delays the answer', async () => {
    vi.useFakeTimers();
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    sim.setFaults({ latencyMs: 5000 });
    let settled = false;
    const pending = call('GET', '/v0/accounts/current', { token }).then((answer) => {
      settled = true;
      return answer;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });

  it('latencyMs stops waiting (and clears its timer) when the caller aborts', async () => {
    vi.useFakeTimers();
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    sim.setFaults({ latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = call('GET', '/v0/accounts/current', { token, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('hang holds /v0 requests until the faults are cleared', async () => {
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    sim.setFaults({ hang: true });
    let settled = false;
    const pending = call('POST', '/v0/accounts', {
      token,
      json: { external_user_id: 'late' },
    }).then((answer) => {
      settled = true;
      return answer;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sim.stats().calls['POST /v0/accounts']).toBe(1);
    expect(settled).toBe(false);
    expect(sim.stats().accounts).toBe(0);
    expect((await call('GET', '/__sim/stats')).status).toBe(200);
    sim.setFaults({});
    expect((await pending).status).toBe(201);
  });

  it('hang ends with an AbortError when the caller aborts', async () => {
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    sim.setFaults({ hang: true });
    const pending = call('GET', '/v0/accounts/current', { token, signal: AbortSignal.timeout(50) });
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    const controller = new AbortController();
    const second = call('GET', '/v0/accounts/current', { token, signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('dropAfterCreate commits the account, then rejects the in-process fetch like a network failure', async () => {
    const { sim, call, adminToken, tokenFor } = simHarness();
    const token = await adminToken();
    sim.setFaults({ dropAfterCreate: true });
    const dropped = call('POST', '/v0/accounts', { token, json: { external_user_id: 'ghost' } });
    await expect(dropped).rejects.toBeInstanceOf(TypeError);
    await expect(dropped).rejects.toThrow('fetch failed');
    expect(sim.accounts().accounts.map((account) => account.externalUserId)).toEqual(['ghost']);
    // The documented repair works: the duplicate answers 422 and the token request gives the id.
    const again = await call('POST', '/v0/accounts', {
      token,
      json: { external_user_id: 'ghost' },
    });
    expect(again.status).toBe(422);
    expect((await tokenFor('ghost')).account_id).toBe(sim.accounts().accounts[0]?.id);
    // Requests that create nothing are answered normally.
    expect((await call('GET', '/v0/accounts/current', { token })).status).toBe(200);
  });

  it('dropAfterCreate also drops a batch that created accounts', async () => {
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    sim.setFaults({ dropAfterCreate: true });
    const requests = [
      { method: 'post', relative_url: '/accounts', body: { external_user_id: 'b1' } },
    ];
    await expect(call('POST', '/v0/batch', { token, json: { requests } })).rejects.toThrow(
      'fetch failed',
    );
    expect(sim.stats().accounts).toBe(1);
  });

  it('dropAfterDelete commits the deletion, then drops the answer; deleting again is a harmless 404', async () => {
    const { sim, call, adminToken, createAccount } = simHarness();
    const token = await adminToken();
    const id = await createAccount('leaving', token);
    sim.setFaults({ dropAfterDelete: true });
    await expect(call('DELETE', `/v0/accounts/${id}`, { token })).rejects.toThrow('fetch failed');
    expect(sim.accounts().accounts[0]?.deletedAt).toEqual(expect.any(String));
    sim.setFaults({});
    expect((await call('DELETE', `/v0/accounts/${id}`, { token })).status).toBe(404);
    // Other requests are answered normally while the fault is on.
    sim.setFaults({ dropAfterDelete: true });
    expect((await call('GET', '/v0/accounts/current', { token })).status).toBe(200);
  });

  it('expireTokens makes every token issued so far answer 401; new and refreshed tokens work', async () => {
    const { sim, call, tokenFor, tokenRequest } = simHarness();
    const old = await tokenFor(sim.systemExternalUserId);
    sim.setFaults({ expireTokens: true });
    const answer = await call('GET', '/v0/accounts/current', { token: old.access_token });
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/expired/);
    const fresh = await tokenFor(sim.systemExternalUserId);
    expect((await call('GET', '/v0/accounts/current', { token: fresh.access_token })).status).toBe(
      200,
    );
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: old.refresh_token,
    });
    expect(
      (await call('GET', '/v0/accounts/current', { token: refreshed.body.access_token })).status,
    ).toBe(200);
    // It is an action, not a lasting state.
    expect(await (await sim.fetch(new Request('http://x/__sim/faults'))).json()).toEqual({});
  });

  it('setFaults refuses invalid faults naming the field', () => {
    const { sim } = simHarness();
    expect(() => sim.setFaults({ errorRate: 2 })).toThrow(/`errorRate`/);
    expect(() => sim.setFaults({ errorStatus: 200 })).toThrow(/`errorStatus`/);
    expect(() => sim.setFaults({ latencyMs: -1 })).toThrow(/`latencyMs`/);
    expect(() => sim.setFaults({ hang: 'yes' as unknown as boolean })).toThrow(/`hang`/);
    expect(() => sim.setFaults({ rateLimitScale: 0 })).toThrow(/`rateLimitScale`/);
    expect(() => sim.setFaults({ nope: true } as never)).toThrow(/`nope`/);
  });
});
