import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/support/simHarness.js';
import { seededGraphs } from '../seededGraphs.js';

const graphId = seededGraphs[0]?.id ?? '';

async function setUp(maxRegistrationsPerInstance?: number) {
  const harness = simHarness({
    rateLimits: false,
    ...(maxRegistrationsPerInstance === undefined ? {} : { maxRegistrationsPerInstance }),
  });
  const token = await harness.adminToken();
  const instance = await harness.call('POST', '/v0/learning-instances', {
    token,
    json: { graph_id: graphId, name: 'Class' },
  });
  const register = (
    accountId: string,
    learningInstanceId: string = instance.body.id,
    type = 'learner',
  ) =>
    harness.call('POST', '/v0/registrations', {
      token,
      json: { account_id: accountId, learning_instance_id: learningInstanceId, type },
    });
  return { ...harness, token, instanceId: instance.body.id as string, register };
}

describe('registrations', () => {
  it('registers (201), reads, lists per instance and deletes (204)', async () => {
    const { call, token, instanceId, register, createAccount, tokenFor } = await setUp();
    const accountId = await createAccount('learner', token);
    const created = await register(accountId);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      account_id: accountId,
      learning_instance_id: instanceId,
      type: 'learner',
    });
    const own = (await tokenFor('learner')).access_token;
    expect(
      (await call('GET', `/v0/registrations/${created.body.id}`, { token: own })).body,
    ).toEqual(created.body);
    expect(
      (await call('GET', `/v0/learning-instances/${instanceId}/registrations`, { token })).body,
    ).toEqual([created.body]);
    expect(
      (await call('DELETE', `/v0/registrations/${created.body.id}`, { token: own })).status,
    ).toBe(403);
    expect((await call('DELETE', `/v0/registrations/${created.body.id}`, { token })).status).toBe(
      204,
    );
    expect((await call('GET', `/v0/registrations/${created.body.id}`, { token })).status).toBe(404);
    expect((await call('DELETE', `/v0/registrations/${created.body.id}`, { token })).status).toBe(
      404,
    );
  });

  it('a deleted registration takes no events and gives no recommendation; the account may register again', async () => {
    const { call, token, register, createAccount, tokenFor } = await setUp();
    const accountId = await createAccount('learner', token);
    const created = await register(accountId);
    const own = (await tokenFor('learner')).access_token;
    const path = `/v0/registrations/${created.body.id}`;
    expect((await call('GET', `${path}/recommendation`, { token: own })).status).toBe(200);
    expect((await call('DELETE', path, { token })).status).toBe(204);
    const events = { events: [] };
    expect((await call('POST', `${path}/batch-events`, { token: own, json: events })).status).toBe(
      404,
    );
    expect((await call('GET', `${path}/recommendation`, { token: own })).status).toBe(404);
    const again = await register(accountId);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(created.body.id);
  });

  it('validates fields with 422 and refuses duplicates', async () => {
    const { register, createAccount, token, sim } = await setUp();
    const accountId = await createAccount('learner', token);
    expect((await register(accountId, undefined, 'teacher')).status).toBe(422);
    expect((await register('no-such-account')).status).toBe(422);
    expect((await register(sim.systemAccountId)).status).toBe(422);
    expect((await register(accountId, 'no-such-instance')).status).toBe(422);
    expect((await register(accountId)).status).toBe(201);
    const duplicate = await register(accountId, undefined, 'instructor');
    expect(duplicate.status).toBe(422);
  });

  it('hides another account registrations', async () => {
    const { call, register, createAccount, token, tokenFor } = await setUp();
    const a = await createAccount('a', token);
    await createAccount('b', token);
    const registration = await register(a);
    const bToken = (await tokenFor('b')).access_token;
    expect(
      (await call('GET', `/v0/registrations/${registration.body.id}`, { token: bToken })).status,
    ).toBe(403);
  });

  it('allows at most 500 registrations per learning instance', async () => {
    const { call, register, token, instanceId } = await setUp();
    const batch = (offset: number) =>
      Array.from({ length: 50 }, (_, index) => ({
        method: 'post',
        relative_url: '/accounts',
        body: { external_user_id: `l${offset + index}` },
      }));
    const accountIds: string[] = [];
    for (let offset = 0; offset < 501; offset += 50) {
      const answer = await call('POST', '/v0/batch', { token, json: { requests: batch(offset) } });
      accountIds.push(
        ...answer.body.responses.map(
          (item: { body: { account_id: string } }) => item.body.account_id,
        ),
      );
    }
    for (const accountId of accountIds.slice(0, 500))
      expect((await register(accountId)).status).toBe(201);
    const over = await register(accountIds[500] ?? '');
    expect(over.status).toBe(422);
    expect(over.body.message).toMatch(/learning instance already has 500/);
    const listed = await call('GET', `/v0/learning-instances/${instanceId}/registrations`, {
      token,
    });
    expect(listed.body).toHaveLength(500);
    // Deleting one frees a place.
    await call('DELETE', `/v0/registrations/${listed.body[0].id}`, { token });
    expect((await register(accountIds[500] ?? '')).status).toBe(201);
  });

  it('lets a test lower the per-instance limit (maxRegistrationsPerInstance), still answering 422', async () => {
    const { call, register, createAccount, token, instanceId } = await setUp(2);
    const accounts = [
      await createAccount('a', token),
      await createAccount('b', token),
      await createAccount('c', token),
    ];
    expect((await register(accounts[0] ?? '')).status).toBe(201);
    expect((await register(accounts[1] ?? '')).status).toBe(201);
    const over = await register(accounts[2] ?? '');
    expect(over.status).toBe(422);
    expect(over.body.message).toMatch(/learning instance already has 2 registrations/);
    // Another instance still takes the learner.
    const other = await call('POST', '/v0/learning-instances', {
      token,
      json: { graph_id: graphId, name: 'Class 2' },
    });
    expect((await register(accounts[2] ?? '', other.body.id)).status).toBe(201);
    expect(
      (await call('GET', `/v0/learning-instances/${instanceId}/registrations`, { token })).body,
    ).toHaveLength(2);
  });

  it('allows at most 500 registrations per account', async () => {
    const { call, register, createAccount, token } = await setUp();
    const accountId = await createAccount('busy', token);
    const instanceIds: string[] = [];
    for (let index = 0; index < 501; index++) {
      const instance = await call('POST', '/v0/learning-instances', {
        token,
        json: { graph_id: graphId, name: `Class ${index}` },
      });
      instanceIds.push(instance.body.id);
    }
    for (const instanceId of instanceIds.slice(0, 500)) {
      expect((await register(accountId, instanceId)).status).toBe(201);
    }
    const over = await register(accountId, instanceIds[500]);
    expect(over.status).toBe(422);
    expect(over.body.message).toMatch(/account already has 500/);
  });
});
