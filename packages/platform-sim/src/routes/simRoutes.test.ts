import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/support/simHarness.js';
import { seededGraphs } from '../seededGraphs.js';

describe('/__sim extras', () => {
  it('GET /__sim/stats counts accounts and calls per route template', async () => {
    const { sim, call, adminToken, createAccount } = simHarness();
    const token = await adminToken();
    const id = await createAccount('a', token);
    await createAccount('b', token);
    await call('GET', `/v0/accounts/${id}`, { token });
    await call('GET', `/v0/accounts/${id}`, { token });
    await call('GET', '/v0/nothing-here', { token });
    const stats = await call('GET', '/__sim/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({
      accounts: 2,
      calls: { 'POST /v0/oauth/token': 1, 'POST /v0/accounts': 2, 'GET /v0/accounts/{id}': 2 },
      events: 0,
      rateLimited: 0,
    });
    expect(sim.stats()).toEqual(stats.body);
  });

  it('GET /__sim/accounts lists created accounts with external ids', async () => {
    const { sim, call, createAccount } = simHarness();
    const id = await createAccount('listed');
    const answer = await call('GET', '/__sim/accounts');
    expect(answer.body).toEqual({
      systemAccount: { id: sim.systemAccountId, externalUserId: sim.systemExternalUserId },
      accounts: [
        {
          id,
          externalUserId: 'listed',
          createdAt: expect.any(String),
          deletedAt: null,
          test: false,
        },
      ],
    });
  });

  it('GET /__sim/graphs lists the seeded graphs', async () => {
    const { call } = simHarness();
    const answer = await call('GET', '/__sim/graphs');
    expect(answer.body.graphs).toEqual(seededGraphs);
    expect(answer.body.graphs[0].id).toMatch(/^gref-/);
  });

  it('PUT /__sim/faults sets and clears faults; GET shows them; bad input is 400 and changes nothing', async () => {
    const { call } = simHarness();
    const set = await call('PUT', '/__sim/faults', {
      json: { latencyMs: 50, errorRate: 0.2, errorStatus: 503 },
    });
    expect(set).toMatchObject({
      status: 200,
      body: { latencyMs: 50, errorRate: 0.2, errorStatus: 503 },
    });
    for (const json of [{ errorRate: 'high' }, { latencyMs: 1.5 }, { unknown: 1 }, [], null]) {
      const refused = await call('PUT', '/__sim/faults', { json });
      expect(refused.status, JSON.stringify(json)).toBe(400);
      expect(refused.body.message).toEqual(expect.any(String));
    }
    const malformed = await call('PUT', '/__sim/faults', {
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await call('GET', '/__sim/faults')).body).toEqual({
      latencyMs: 50,
      errorRate: 0.2,
      errorStatus: 503,
    });
    expect((await call('PUT', '/__sim/faults', { json: {} })).body).toEqual({});
  });

  it('POST /__sim/reset forgets everything but the system account', async () => {
    const { sim, call, adminToken, createAccount } = simHarness();
    const token = await adminToken();
    await createAccount('gone', token);
    sim.setFaults({ latencyMs: 10 });
    expect((await call('POST', '/__sim/reset')).status).toBe(204);
    expect(sim.stats()).toEqual({ accounts: 0, calls: {}, events: 0, rateLimited: 0 });
    expect(sim.accounts().accounts).toEqual([]);
    expect((await call('GET', '/__sim/faults')).body).toEqual({});
    // Old tokens are gone; the system account still works and the external id is free again.
    expect((await call('GET', '/v0/accounts/current', { token })).status).toBe(401);
    expect(await createAccount('gone')).toEqual(expect.any(String));
  });

  it('reset() does the same in-process', async () => {
    const { sim, createAccount } = simHarness();
    await createAccount('x');
    sim.reset();
    expect(sim.stats().accounts).toBe(0);
  });
});
