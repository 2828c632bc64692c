import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/support/simHarness.js';
import { seededGraphs } from '../seededGraphs.js';

const graphId = seededGraphs[0]?.id ?? '';

describe('learning instances', () => {
  it('creates (201), lists and reads instances', async () => {
    const { call, adminToken } = simHarness();
    const token = await adminToken();
    const created = await call('POST', '/v0/learning-instances', {
      token,
      json: {
        graph_id: graphId,
        name: 'Period 3',
        start_date: '2026-09-01',
        end_date: '2027-06-30',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      graph_id: graphId,
      name: 'Period 3',
      start_date: '2026-09-01',
      end_date: '2027-06-30',
    });
    const minimal = await call('POST', '/v0/learning-instances', {
      token,
      json: { graph_id: graphId, name: 'B' },
    });
    expect(minimal.body).toEqual({ id: expect.any(String), graph_id: graphId, name: 'B' });
    const list = await call('GET', '/v0/learning-instances', { token });
    expect(list.body).toEqual([created.body, minimal.body]);
    const one = await call('GET', `/v0/learning-instances/${created.body.id}`, { token });
    expect(one.body).toEqual(created.body);
    expect((await call('GET', '/v0/learning-instances/nope', { token })).status).toBe(404);
    expect((await call('GET', '/v0/learning-instances/nope/registrations', { token })).status).toBe(
      404,
    );
  });

  it('validates fields with 422 and refuses names containing an email address', async () => {
    const { call, adminToken } = simHarness({ rejectPiiExternalIds: false });
    const token = await adminToken();
    const bad = [
      {},
      { graph_id: graphId },
      { graph_id: 'gref-unknown', name: 'x' },
      { graph_id: graphId, name: 'Mr Smith smith@school.example' },
      { graph_id: graphId, name: 'n'.repeat(257) },
      { graph_id: graphId, name: 'x', start_date: 'tomorrow' },
      { graph_id: graphId, name: 'x', start_date: '2026-09-02', end_date: '2026-09-01' },
    ];
    for (const json of bad) {
      const answer = await call('POST', '/v0/learning-instances', { token, json });
      expect(answer.status, JSON.stringify(json)).toBe(422);
      expect(answer.body.message).toEqual(expect.any(String));
    }
    expect((await call('GET', '/v0/learning-instances', { token })).body).toEqual([]);
  });

  it('is for the partner admin only', async () => {
    const { call, createAccount, tokenFor } = simHarness();
    await createAccount('learner');
    const token = (await tokenFor('learner')).access_token;
    expect(
      (
        await call('POST', '/v0/learning-instances', {
          token,
          json: { graph_id: graphId, name: 'x' },
        })
      ).status,
    ).toBe(403);
    expect((await call('GET', '/v0/learning-instances', { token })).status).toBe(403);
  });
});
