import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/support/simHarness.js';

describe('POST /v0/accounts', () => {
  it('creates an account (201) with the documented shape and counts it', async () => {
    const { sim, call, adminToken } = simHarness();
    const answer = await call('POST', '/v0/accounts', {
      token: await adminToken(),
      json: { external_user_id: 'abc321' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      external_user_id: 'abc321',
    });
    expect(sim.stats().accounts).toBe(1);
    expect(sim.accounts().accounts).toEqual([
      expect.objectContaining({
        id: answer.body.id,
        externalUserId: 'abc321',
        test: false,
        deletedAt: null,
      }),
    ]);
  });

  it('answers 422 "Duplicate account with X" for a second create, even after delete', async () => {
    const { call, adminToken, createAccount, sim } = simHarness();
    const token = await adminToken();
    const id = await createAccount('abc322', token);
    const again = await call('POST', '/v0/accounts', {
      token,
      json: { external_user_id: 'abc322' },
    });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({ message: 'Duplicate account with abc322' });
    expect((await call('DELETE', `/v0/accounts/${id}`, { token })).status).toBe(204);
    const afterDelete = await call('POST', '/v0/accounts', {
      token,
      json: { external_user_id: 'abc322' },
    });
    expect(afterDelete.status).toBe(422);
    expect(sim.accounts().accounts).toHaveLength(1);
  });

  it('accepts 256 characters and refuses 257, empty and non-string ids', async () => {
    const { call, adminToken, sim } = simHarness();
    const token = await adminToken();
    const ok = await call('POST', '/v0/accounts', {
      token,
      json: { external_user_id: 'x'.repeat(256) },
    });
    expect(ok.status).toBe(201);
    for (const external_user_id of ['y'.repeat(257), '', 42, null, ['a']]) {
      const answer = await call('POST', '/v0/accounts', { token, json: { external_user_id } });
      expect(answer.status, JSON.stringify(external_user_id)).toBe(422);
      expect(answer.body.message).toMatch(/external_user_id/);
    }
    expect((await call('POST', '/v0/accounts', { token, json: {} })).status).toBe(422);
    expect(sim.stats().accounts).toBe(1);
  });

  it('refuses external ids that look like PII by default, without echoing them', async () => {
    const { call, adminToken, sim } = simHarness();
    const token = await adminToken();
    for (const external_user_id of ['ada@example.com', '+1 (555) 123-4567', '07700900123']) {
      const answer = await call('POST', '/v0/accounts', { token, json: { external_user_id } });
      expect(answer.status).toBe(422);
      expect(answer.body.message).toMatch(/personally identifiable/);
      expect(answer.body.message).not.toContain(external_user_id);
    }
    expect(sim.stats().accounts).toBe(0);
  });

  it('accepts PII-looking ids when rejectPiiExternalIds is false', async () => {
    const { call, adminToken } = simHarness({ rejectPiiExternalIds: false });
    const answer = await call('POST', '/v0/accounts', {
      token: await adminToken(),
      json: { external_user_id: 'ada@example.com' },
    });
    expect(answer.status).toBe(201);
  });

  it('marks accounts created with X-Knewton-Test: true', async () => {
    const { call, adminToken, sim } = simHarness();
    await call('POST', '/v0/accounts', {
      token: await adminToken(),
      json: { external_user_id: 'tester' },
      headers: { 'X-Knewton-Test': 'true', 'request-label': 'trace-123' },
    });
    expect(sim.accounts().accounts[0]?.test).toBe(true);
  });

  it('is for the partner admin only', async () => {
    const { call, createAccount, tokenFor } = simHarness();
    await createAccount('learner');
    const learnerToken = (await tokenFor('learner')).access_token;
    const answer = await call('POST', '/v0/accounts', {
      token: learnerToken,
      json: { external_user_id: 'other' },
    });
    expect(answer.status).toBe(403);
  });

  it('answers 400 for malformed JSON or a non-JSON body and 401 without a valid token', async () => {
    const { call, adminToken } = simHarness();
    const token = await adminToken();
    const malformed = await call('POST', '/v0/accounts', {
      token,
      body: '{"external_user_id":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed).toMatchObject({ status: 400, body: { message: 'Malformed JSON body.' } });
    const text = await call('POST', '/v0/accounts', {
      token,
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect((await call('POST', '/v0/accounts', { token, json: [] })).status).toBe(422);
    expect((await call('POST', '/v0/accounts', { json: { external_user_id: 'a' } })).status).toBe(
      401,
    );
    const wrong = await call('POST', '/v0/accounts', {
      token: 'f'.repeat(32),
      json: { external_user_id: 'a' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { message: expect.any(String) } });
  });
});

describe('GET /v0/accounts/current and /v0/accounts/{id}', () => {
  it('answers the caller own account', async () => {
    const { sim, call, adminToken, createAccount, tokenFor } = simHarness();
    const admin = await call('GET', '/v0/accounts/current', { token: await adminToken() });
    expect(admin).toMatchObject({
      status: 200,
      body: { id: sim.systemAccountId, external_user_id: sim.systemExternalUserId },
    });
    const id = await createAccount('me');
    const mine = await call('GET', '/v0/accounts/current', {
      token: (await tokenFor('me')).access_token,
    });
    expect(mine.body).toEqual({ id, external_user_id: 'me' });
  });

  it('lets the admin read any account and an account only itself', async () => {
    const { call, adminToken, createAccount, tokenFor } = simHarness();
    const admin = await adminToken();
    const a = await createAccount('a', admin);
    const b = await createAccount('b', admin);
    expect((await call('GET', `/v0/accounts/${a}`, { token: admin })).body).toEqual({
      id: a,
      external_user_id: 'a',
    });
    const aToken = (await tokenFor('a')).access_token;
    expect((await call('GET', `/v0/accounts/${a}`, { token: aToken })).status).toBe(200);
    expect((await call('GET', `/v0/accounts/${b}`, { token: aToken })).status).toBe(403);
    expect(
      (await call('GET', '/v0/accounts/00000000-0000-4000-8000-000000000000', { token: admin }))
        .status,
    ).toBe(404);
  });
});

describe('DELETE /v0/accounts/{id}', () => {
  it('disables the account: 204, then 404, its tokens stop working', async () => {
    const { sim, call, adminToken, createAccount, tokenFor } = simHarness();
    const admin = await adminToken();
    const id = await createAccount('bye', admin);
    const own = (await tokenFor('bye')).access_token;
    const deleted = await call('DELETE', `/v0/accounts/${id}`, { token: admin });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await call('GET', `/v0/accounts/${id}`, { token: admin })).status).toBe(404);
    expect((await call('DELETE', `/v0/accounts/${id}`, { token: admin })).status).toBe(404);
    expect((await call('GET', '/v0/accounts/current', { token: own })).status).toBe(401);
    expect(sim.stats().accounts).toBe(0);
    expect(sim.accounts().accounts[0]?.deletedAt).toEqual(expect.any(String));
  });

  it('refuses the deleted account scoped and refreshed tokens, and its external id for ever (single and batch)', async () => {
    const { sim, call, adminToken, createAccount, tokenFor, tokenRequest } = simHarness();
    const admin = await adminToken();
    const id = await createAccount('gone', admin);
    const own = await tokenFor('gone');
    expect((await call('DELETE', `/v0/accounts/${id}`, { token: admin })).status).toBe(204);
    const scoped = await tokenRequest({ grant_type: 'client_credentials', scope: 'gone' });
    expect(scoped.status).toBe(403);
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: own.refresh_token,
    });
    expect(refreshed.status).toBe(403);
    const single = await call('POST', '/v0/accounts', {
      token: admin,
      json: { external_user_id: 'gone' },
    });
    expect(single.status).toBe(422);
    const batch = await call('POST', '/v0/batch', {
      token: admin,
      json: {
        requests: [
          { method: 'post', relative_url: '/accounts', body: { external_user_id: 'gone' } },
        ],
      },
    });
    expect(batch.body.responses[0]).toMatchObject({ code: 422 });
    expect(sim.accounts().accounts).toEqual([
      expect.objectContaining({ id, externalUserId: 'gone', deletedAt: expect.any(String) }),
    ]);
  });

  it('is for the partner admin only and cannot delete the partner admin', async () => {
    const { sim, call, adminToken, createAccount, tokenFor } = simHarness();
    const id = await createAccount('self');
    const own = (await tokenFor('self')).access_token;
    expect((await call('DELETE', `/v0/accounts/${id}`, { token: own })).status).toBe(403);
    const admin = await adminToken();
    expect(
      (await call('DELETE', `/v0/accounts/${sim.systemAccountId}`, { token: admin })).status,
    ).toBe(403);
    expect((await call('GET', '/v0/accounts/current', { token: admin })).status).toBe(200);
  });
});
