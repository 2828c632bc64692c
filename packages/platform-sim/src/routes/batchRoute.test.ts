import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/support/simHarness.js';

const create = (external_user_id: unknown) => ({
  method: 'post',
  relative_url: '/accounts',
  body: { external_user_id },
});

describe('POST /v0/batch', () => {
  it('creates every account (200) with per-item codes and the batch shape (account_id)', async () => {
    const { sim, call, adminToken } = simHarness();
    const answer = await call('POST', '/v0/batch', {
      token: await adminToken(),
      json: { requests: [create('b1'), create('b2')] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.responses).toEqual([
      {
        code: 200,
        body: { external_user_id: 'b1', account_id: expect.any(String), entitlements: [] },
      },
      {
        code: 200,
        body: { external_user_id: 'b2', account_id: expect.any(String), entitlements: [] },
      },
    ]);
    const ids = sim.accounts().accounts.map((account) => account.id);
    expect(ids).toEqual(
      answer.body.responses.map((item: { body: { account_id: string } }) => item.body.account_id),
    );
  });

  it('answers 207 with the documented duplicate item when some items fail', async () => {
    const { sim, call, adminToken, createAccount } = simHarness();
    const token = await adminToken();
    await createAccount('abc322', token);
    const answer = await call('POST', '/v0/batch', {
      token,
      json: {
        requests: [
          create('abc322'),
          create('fresh'),
          create('fresh'),
          create('x'.repeat(257)),
          create('someone@example.com'),
          { method: 'get', relative_url: '/accounts', body: {} },
          { method: 'post', relative_url: '/learning-instances', body: {} },
          'nonsense',
          { method: 'post', relative_url: '/accounts' },
          create(undefined),
        ],
      },
    });
    expect(answer.status).toBe(207);
    const [dup, fresh, freshAgain, long, pii, get, other, nonsense, noBody, noId] =
      answer.body.responses;
    expect(dup).toEqual({ code: 422, error_message: 'Duplicate account with abc322' });
    expect(fresh.code).toBe(200);
    expect(freshAgain).toEqual({ code: 422, error_message: 'Duplicate account with fresh' });
    expect(long.code).toBe(422);
    expect(pii.code).toBe(422);
    expect(get.code).toBe(405);
    expect(other.code).toBe(404);
    expect(nonsense.code).toBe(400);
    expect(noBody.code).toBe(400);
    expect(noId.code).toBe(422);
    expect(answer.body.responses).toHaveLength(10);
    expect(sim.stats().accounts).toBe(2);
  });

  it('takes at most 50 requests and refuses an empty or missing list', async () => {
    const { sim, call, adminToken } = simHarness();
    const token = await adminToken();
    const fifty = Array.from({ length: 50 }, (_, index) => create(`u${index}`));
    expect((await call('POST', '/v0/batch', { token, json: { requests: fifty } })).status).toBe(
      200,
    );
    const fiftyOne = Array.from({ length: 51 }, (_, index) => create(`v${index}`));
    const tooMany = await call('POST', '/v0/batch', { token, json: { requests: fiftyOne } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.message).toMatch(/50/);
    expect((await call('POST', '/v0/batch', { token, json: { requests: [] } })).status).toBe(422);
    expect((await call('POST', '/v0/batch', { token, json: {} })).status).toBe(422);
    expect(sim.stats().accounts).toBe(50);
  });

  it('is for the partner admin only and honours X-Knewton-Test', async () => {
    const { sim, call, adminToken, createAccount, tokenFor } = simHarness();
    await createAccount('learner');
    const learner = (await tokenFor('learner')).access_token;
    expect(
      (await call('POST', '/v0/batch', { token: learner, json: { requests: [create('z')] } }))
        .status,
    ).toBe(403);
    await call('POST', '/v0/batch', {
      token: await adminToken(),
      json: { requests: [create('t1')] },
      headers: { 'x-knewton-test': 'true' },
    });
    expect(sim.accounts().accounts.find((account) => account.externalUserId === 't1')?.test).toBe(
      true,
    );
  });

  it('takes 90 batches a minute per token, then answers 429 token-limited and creates nothing', async () => {
    const { sim, call, adminToken } = simHarness({ rateLimits: true });
    const token = await adminToken();
    for (let index = 0; index < 90; index++) {
      const answer = await call('POST', '/v0/batch', {
        token,
        json: { requests: [create(`r${index}`)] },
      });
      expect(answer.status).toBe(200);
    }
    const limited = await call('POST', '/v0/batch', {
      token,
      json: { requests: [create('one-too-many')] },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-knewton-rate-exceeded')).toBe('token-limited');
    expect(sim.stats().accounts).toBe(90);
  });
});
