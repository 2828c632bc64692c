import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/support/simHarness.js';
import { seededGraphs } from '../seededGraphs.js';

const graph = seededGraphs[0];
const moduleId = graph?.moduleIds[0] ?? '';
const at = '2026-11-26T15:30:00Z';

async function setUp() {
  const harness = simHarness();
  const token = await harness.adminToken();
  const instance = await harness.call('POST', '/v0/learning-instances', {
    token,
    json: { graph_id: graph?.id, name: 'Class' },
  });
  const accountId = await harness.createAccount('learner', token);
  const registration = await harness.call('POST', '/v0/registrations', {
    token,
    json: { account_id: accountId, learning_instance_id: instance.body.id, type: 'learner' },
  });
  const learnerToken = (await harness.tokenFor('learner')).access_token;
  const post = (suffix: string, json: unknown, as = learnerToken) =>
    harness.call('POST', `/v0/registrations/${registration.body.id}/${suffix}`, {
      token: as,
      json,
    });
  return { ...harness, token, learnerToken, registrationId: registration.body.id as string, post };
}

describe('event endpoints', () => {
  it('accept valid events with 204 and no body, from the learner or the admin', async () => {
    const { post, token } = await setUp();
    const valid: [string, unknown][] = [
      ['ungraded-events', { module_id: moduleId, interaction_end_time: at }],
      [
        'ungraded-events',
        {
          module_id: moduleId,
          interaction_end_time: at,
          duration: 1200,
          is_complete: true,
          goal_id: 'g',
        },
      ],
      [
        'graded-events',
        { module_id: moduleId, interaction_end_time: at, is_correct: false, instance_hash: 'h1' },
      ],
      [
        'recommendation-followed-events',
        { recommendation_id: 42, module_id: moduleId, time_followed: at },
      ],
      [
        'batch-events',
        {
          goal_id: 'g',
          events: [
            { type: 'ungraded', module_id: moduleId, interaction_end_time: at },
            { type: 'graded', module_id: moduleId, interaction_end_time: at, is_correct: true },
            {
              type: 'recommendation-followed',
              recommendation_id: 1,
              module_id: moduleId,
              time_followed: at,
            },
          ],
        },
      ],
    ];
    for (const [suffix, json] of valid) {
      const answer = await post(suffix, json);
      expect(answer.status, suffix).toBe(204);
      expect(answer.body).toBeUndefined();
    }
    expect((await post('ungraded-events', valid[0]?.[1], token)).status).toBe(204);
  });

  it('refuse invalid events with 422 naming the field', async () => {
    const { post } = await setUp();
    const invalid: [string, unknown, RegExp][] = [
      ['ungraded-events', { interaction_end_time: at }, /module_id/],
      ['ungraded-events', { module_id: moduleId }, /interaction_end_time/],
      [
        'ungraded-events',
        { module_id: moduleId, interaction_end_time: '26/11/2026' },
        /interaction_end_time/,
      ],
      [
        'ungraded-events',
        { module_id: moduleId, interaction_end_time: at, duration: -1 },
        /duration/,
      ],
      [
        'ungraded-events',
        { module_id: moduleId, interaction_end_time: at, is_complete: 'yes' },
        /is_complete/,
      ],
      ['graded-events', { module_id: moduleId, interaction_end_time: at }, /is_correct/],
      [
        'recommendation-followed-events',
        { module_id: moduleId, time_followed: at },
        /recommendation_id/,
      ],
      [
        'recommendation-followed-events',
        { recommendation_id: 1.5, module_id: moduleId, time_followed: at },
        /recommendation_id/,
      ],
      ['batch-events', { events: [] }, /events/],
      ['batch-events', { events: [{ type: 'viewed', module_id: moduleId }] }, /events\[0\]\.type/],
      [
        'batch-events',
        { events: [{ type: 'graded', module_id: moduleId, interaction_end_time: at }] },
        /events\[0\]: is_correct/,
      ],
    ];
    for (const [suffix, json, field] of invalid) {
      const answer = await post(suffix, json);
      expect(answer.status, JSON.stringify(json)).toBe(422);
      expect(answer.body.message).toMatch(field);
    }
  });

  it('refuse module ids that are not mref- ids', async () => {
    const { post } = await setUp();
    for (const module_id of ['lesson-1', 'gref-abc', 'mref-', 42]) {
      const answer = await post('graded-events', {
        module_id,
        interaction_end_time: at,
        is_correct: true,
      });
      expect(answer.status, String(module_id)).toBe(422);
      expect(answer.body.message).toMatch(/module_id/);
    }
    const batch = await post('batch-events', {
      events: [{ type: 'ungraded', module_id: 'lesson-1', interaction_end_time: at }],
    });
    expect(batch.status).toBe(422);
    expect(batch.body.message).toMatch(/events\[0\]: module_id must be a module id/);
  });

  it('record nothing of a batch with one invalid event, and count each accepted event once', async () => {
    const { post, sim, call, learnerToken, registrationId } = await setUp();
    const recommendation = () =>
      call('GET', `/v0/registrations/${registrationId}/recommendation`, { token: learnerToken });
    const before = (await recommendation()).body;
    const correct = {
      type: 'graded',
      module_id: moduleId,
      interaction_end_time: at,
      is_correct: true,
    };
    const refused = await post('batch-events', {
      events: [correct, correct, { ...correct, is_correct: 'yes' }],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/events\[2\]: is_correct/);
    expect(sim.stats().events).toBe(0);
    expect((await recommendation()).body).toEqual(before);

    expect((await post('batch-events', { events: [correct, correct, correct] })).status).toBe(204);
    expect(
      (await post('ungraded-events', { module_id: moduleId, interaction_end_time: at })).status,
    ).toBe(204);
    expect(sim.stats().events).toBe(4);
    expect((await recommendation()).body.module_ids[0]).toBe(graph?.moduleIds[1]);
  });

  it('limit each event endpoint to 15 calls a minute per token, counting the 429s', async () => {
    const { post, token, sim } = await setUp();
    const event = { type: 'ungraded', module_id: moduleId, interaction_end_time: at };
    for (let i = 0; i < 15; i++) {
      expect((await post('batch-events', { events: [event] })).status).toBe(204);
    }
    const limited = await post('batch-events', { events: [event] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-knewton-rate-exceeded')).toBe('token-limited');
    // Per endpoint and per token: another endpoint, or another token, still gets through.
    expect(
      (await post('ungraded-events', { module_id: moduleId, interaction_end_time: at })).status,
    ).toBe(204);
    expect((await post('batch-events', { events: [event] }, token)).status).toBe(204);
    expect(sim.stats()).toMatchObject({ events: 17, rateLimited: 1 });
  });

  it('limit a batch to 500 events', async () => {
    const { post } = await setUp();
    const event = { type: 'ungraded', module_id: moduleId, interaction_end_time: at };
    expect((await post('batch-events', { events: Array(500).fill(event) })).status).toBe(204);
    const over = await post('batch-events', { events: Array(501).fill(event) });
    expect(over.status).toBe(422);
    expect(over.body.message).toMatch(/500/);
  });

  it('answer 404 for an unknown registration and 403 for another account', async () => {
    const { call, createAccount, tokenFor, token, registrationId } = await setUp();
    const json = { module_id: moduleId, interaction_end_time: at };
    expect(
      (await call('POST', '/v0/registrations/nope/ungraded-events', { token, json })).status,
    ).toBe(404);
    await createAccount('other', token);
    const other = (await tokenFor('other')).access_token;
    const answer = await call('POST', `/v0/registrations/${registrationId}/ungraded-events`, {
      token: other,
      json,
    });
    expect(answer.status).toBe(403);
  });
});
