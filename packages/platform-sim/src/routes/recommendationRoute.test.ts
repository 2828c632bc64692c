import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/support/simHarness.js';
import { MASTERY_THRESHOLD } from '../learnerMastery.js';
import { seededGraphs } from '../seededGraphs.js';

const graph = seededGraphs[0];
const modules = graph?.moduleIds ?? [];
const at = '2026-11-26T15:30:00Z';

async function setUp() {
  const harness = simHarness({ rateLimits: false });
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
  const learner = (await harness.tokenFor('learner')).access_token;
  const recommend = (query = '') =>
    harness.call('GET', `/v0/registrations/${registration.body.id}/recommendation${query}`, {
      token: learner,
    });
  const answer = (moduleId: string, isCorrect: boolean) =>
    harness.call('POST', `/v0/registrations/${registration.body.id}/graded-events`, {
      token: learner,
      json: { module_id: moduleId, interaction_end_time: at, is_correct: isCorrect },
    });
  const events = (json: unknown) =>
    harness.call('POST', `/v0/registrations/${registration.body.id}/batch-events`, {
      token: learner,
      json,
    });
  /** Masters a module: MASTERY_THRESHOLD correct answers in a row. */
  const complete = async (moduleId: string) => {
    for (let i = 0; i < MASTERY_THRESHOLD; i++) {
      const sent = await answer(moduleId, true);
      if (sent.status !== 204) return sent;
    }
    return { status: 204 };
  };
  return { ...harness, recommend, complete, answer, events };
}

describe('GET /v0/registrations/{id}/recommendation', () => {
  it('recommends up to 10 seeded mref- modules, in order, deterministically', async () => {
    const { recommend } = await setUp();
    const first = await recommend();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      recommendation_id: expect.any(Number),
      module_ids: modules.slice(0, 10),
      status: 'unfocused',
    });
    expect(
      Number.isSafeInteger(first.body.recommendation_id) && first.body.recommendation_id >= 0,
    ).toBe(true);
    for (const id of first.body.module_ids) expect(id).toMatch(/^mref-[0-9a-f-]{36}$/);
    expect((await recommend()).body).toEqual(first.body);
  });

  it('moves past completed modules and reports a goal as ready when its prerequisites are done', async () => {
    const { recommend, complete } = await setUp();
    const goal = modules[2] ?? '';
    expect((await recommend(`?goal_id=${goal}`)).body).toMatchObject({
      module_ids: modules.slice(0, 3),
      status: 'in progress',
    });
    expect((await complete(modules[0] ?? '')).status).toBe(204);
    const after = await recommend(
      `?goal_id=${goal}&continued_recommendations=true&justifications=false`,
    );
    expect(after.body.module_ids).toEqual(modules.slice(1, 3));
    await complete(modules[1] ?? '');
    await complete(goal);
    expect((await recommend(`?goal_id=${goal}`)).body).toMatchObject({
      module_ids: [],
      status: 'ready',
    });
    expect((await recommend()).body.module_ids).toEqual(modules.slice(3, 13));
  });

  it('follows the mastery model: two net correct answers master a module, wrong ones hold it back', async () => {
    const { recommend, answer, events } = await setUp();
    const [first, second] = modules;
    const next = async () => (await recommend()).body.module_ids[0];
    expect(MASTERY_THRESHOLD).toBe(2);
    // One correct answer is not mastery yet.
    await answer(first ?? '', true);
    expect(await next()).toBe(first);
    // A wrong answer takes the evidence back to 0; two correct ones in a row master it.
    await answer(first ?? '', false);
    await answer(first ?? '', true);
    expect(await next()).toBe(first);
    const before = (await recommend()).body.recommendation_id;
    await answer(first ?? '', true);
    const moved = (await recommend()).body;
    expect(moved.module_ids).toEqual(modules.slice(1, 11));
    expect(moved.recommendation_id).not.toBe(before);
    // Mastered stays mastered; ungraded completions and followed recommendations are no evidence.
    await answer(first ?? '', false);
    expect(
      (
        await events({
          events: [
            {
              type: 'ungraded',
              module_id: second,
              interaction_end_time: at,
              is_complete: true,
            },
            {
              type: 'recommendation-followed',
              recommendation_id: 1,
              module_id: second,
              time_followed: at,
            },
          ],
        })
      ).status,
    ).toBe(204);
    expect(await next()).toBe(second);
    // A batch applies its graded answers in order.
    const graded = (isCorrect: boolean) => ({
      type: 'graded',
      module_id: second,
      interaction_end_time: at,
      is_correct: isCorrect,
    });
    await events({ events: [graded(true), graded(false), graded(true)] });
    expect(await next()).toBe(second);
    await events({ events: [graded(true)] });
    expect(await next()).toBe(modules[2]);
  });

  it('refuses bad query values and unknown registrations', async () => {
    const { recommend, call, adminToken } = await setUp();
    expect((await recommend('?justifications=maybe')).status).toBe(422);
    expect((await recommend('?goal_id=')).status).toBe(422);
    expect(
      (await call('GET', '/v0/registrations/nope/recommendation', { token: await adminToken() }))
        .status,
    ).toBe(404);
  });
});
