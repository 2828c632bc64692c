import { describe, expect, it } from 'vitest';
import { manualClock, simHarness } from '../../test/support/simHarness.js';

describe('POST /v0/oauth/token', () => {
  it('issues a token for the system account with the documented shape', async () => {
    const { sim, tokenRequest } = simHarness();
    const answer = await tokenRequest({
      grant_type: 'client_credentials',
      scope: sim.systemExternalUserId,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{32}$/),
      token_type: 'Bearer',
      expires_in: 3599,
      refresh_token: expect.stringMatching(/^[0-9a-f]{32}$/),
      scope: '*',
      account_id: sim.systemAccountId,
      expires_at: expect.any(String),
    });
  });

  it('answers the account id of an existing external id (the documented lookup)', async () => {
    const { tokenFor, createAccount } = simHarness();
    const id = await createAccount('learner-1');
    expect((await tokenFor('learner-1')).account_id).toBe(id);
  });

  it('refuses an unknown scope and a disabled account', async () => {
    const { tokenRequest, createAccount, adminToken, call } = simHarness();
    const unknown = await tokenRequest({ grant_type: 'client_credentials', scope: 'nobody' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/Unknown scope/);

    const id = await createAccount('to-delete');
    await call('DELETE', `/v0/accounts/${id}`, { token: await adminToken() });
    const disabled = await tokenRequest({ grant_type: 'client_credentials', scope: 'to-delete' });
    expect(disabled.status).toBe(403);
  });

  it('requires the scope, a known grant type, and a form body', async () => {
    const { tokenRequest, call, basic } = simHarness();
    expect((await tokenRequest({ grant_type: 'client_credentials' })).status).toBe(400);
    expect((await tokenRequest({ grant_type: 'password', scope: 'x' })).status).toBe(400);
    expect((await tokenRequest({})).status).toBe(400);
    const json = await call('POST', '/v0/oauth/token', {
      headers: { authorization: basic },
      json: { grant_type: 'client_credentials' },
    });
    expect(json.status).toBe(400);
    expect(json.body.message).toMatch(/x-www-form-urlencoded/);
  });

  it('answers 401 without Basic auth or with wrong credentials', async () => {
    const { sim, tokenRequest } = simHarness();
    const form = { grant_type: 'client_credentials', scope: sim.systemExternalUserId };
    const cases = [
      '',
      'Bearer abc',
      'Basic !!!',
      `Basic ${Buffer.from(`${sim.apiKey}:wrong`).toString('base64')}`,
      `Basic ${Buffer.from(`wrong:${sim.apiSecret}`).toString('base64')}`,
      `Basic ${Buffer.from(sim.apiKey).toString('base64')}`,
    ];
    for (const authorization of cases) {
      const answer = await tokenRequest(form, authorization);
      expect(answer.status, authorization).toBe(401);
      expect(answer.body.message).toEqual(expect.any(String));
    }
  });

  it('uses configured credentials', async () => {
    const { tokenRequest } = simHarness({
      apiKey: 'k',
      apiSecret: 's:with:colons',
      systemExternalUserId: 'sys',
    });
    const basic = `Basic ${Buffer.from('k:s:with:colons').toString('base64')}`;
    const answer = await tokenRequest({ grant_type: 'client_credentials', scope: 'sys' }, basic);
    expect(answer.status).toBe(200);
  });

  it('refreshes with a single-use refresh token, for the same account', async () => {
    const { tokenFor, tokenRequest, createAccount, call } = simHarness();
    await createAccount('learner-2');
    const first = await tokenFor('learner-2');
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.account_id).toBe(first.account_id);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    const current = await call('GET', '/v0/accounts/current', {
      token: refreshed.body.access_token,
    });
    expect(current.body.external_user_id).toBe('learner-2');

    const reused = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(reused.status).toBe(400);
    expect((await tokenRequest({ grant_type: 'refresh_token' })).status).toBe(400);
  });

  it('expires tokens after tokenTtlSeconds; refreshing gives a working token', async () => {
    const clock = manualClock();
    const { sim, tokenFor, tokenRequest, call } = simHarness({
      now: clock.now,
      tokenTtlSeconds: 60,
    });
    const token = await tokenFor(sim.systemExternalUserId);
    expect(token.expires_in).toBe(60);
    expect(token.expires_at).toBe(new Date(clock.now() + 60_000).toISOString());
    clock.advance(59_999);
    expect((await call('GET', '/v0/accounts/current', { token: token.access_token })).status).toBe(
      200,
    );
    clock.advance(1);
    const expired = await call('GET', '/v0/accounts/current', { token: token.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: token.refresh_token,
    });
    expect(
      (await call('GET', '/v0/accounts/current', { token: refreshed.body.access_token })).status,
    ).toBe(200);
  });
});
