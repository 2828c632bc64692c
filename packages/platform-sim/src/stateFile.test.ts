import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simHarness } from '../test/support/simHarness.js';
import { createPlatformSim } from './createPlatformSim.js';

let dir: string;
let stateFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'platform-sim-state-'));
  stateFile = join(dir, 'nested', 'platform-sim.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('createPlatformSim({ stateFile })', () => {
  it('keeps accounts, deleted-ness, learning instances and registrations across close + new instance', async () => {
    const before = simHarness({ stateFile });
    const admin = await before.adminToken();
    const kept = await before.createAccount('learner-kept', admin);
    const deleted = await before.createAccount('learner-deleted', admin);
    expect((await before.call('DELETE', `/v0/accounts/${deleted}`, { token: admin })).status).toBe(
      204,
    );
    const graphs = (await before.call('GET', '/__sim/graphs')).body.graphs;
    const instance = await before.call('POST', '/v0/learning-instances', {
      token: admin,
      json: { graph_id: graphs[0].id, name: 'kept instance' },
    });
    expect(instance.status).toBe(201);
    const registration = await before.call('POST', '/v0/registrations', {
      token: admin,
      json: { account_id: kept, learning_instance_id: instance.body.id, type: 'learner' },
    });
    expect(registration.status).toBe(201);
    const learner = (await before.tokenFor('learner-kept')).access_token;
    const recommendationPath = `/v0/registrations/${registration.body.id}/recommendation`;
    const recommendedBefore = await before.call('GET', recommendationPath, { token: learner });
    expect(recommendedBefore.status).toBe(200);
    const systemAccountId = before.sim.systemAccountId;
    const listedBefore = before.sim.accounts();
    await before.sim.close();

    const after = simHarness({ stateFile });
    expect(after.sim.systemAccountId).toBe(systemAccountId);
    expect(after.sim.accounts()).toEqual(listedBefore);
    expect(after.sim.stats().accounts).toBe(1);
    const adminAfter = await after.adminToken();
    // The account by id, and a token with scope = its external id (what the BFF's crash repair uses).
    const read = await after.call('GET', `/v0/accounts/${kept}`, { token: adminAfter });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: kept, external_user_id: 'learner-kept' });
    expect((await after.tokenFor('learner-kept')).account_id).toBe(kept);
    // Deleted stays deleted, and its external id stays taken: a duplicate, even after the restart.
    expect((await after.call('GET', `/v0/accounts/${deleted}`, { token: adminAfter })).status).toBe(
      404,
    );
    expect(
      (await after.tokenRequest({ grant_type: 'client_credentials', scope: 'learner-deleted' }))
        .status,
    ).toBe(403);
    const duplicate = await after.call('POST', '/v0/accounts', {
      token: adminAfter,
      json: { external_user_id: 'learner-deleted' },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.message).toBe('Duplicate account with learner-deleted');
    // Learning instance and registration too: the learner gets the same recommendation as before.
    const learnerAfter = (await after.tokenFor('learner-kept')).access_token;
    const recommendedAfter = await after.call('GET', recommendationPath, { token: learnerAfter });
    expect(recommendedAfter.status).toBe(200);
    expect(recommendedAfter.body).toEqual(recommendedBefore.body);
    const again = await after.call('POST', '/v0/registrations', {
      token: adminAfter,
      json: { account_id: kept, learning_instance_id: instance.body.id, type: 'learner' },
    });
    expect(again.status).toBe(422);
    // Tokens belong to one run: the old one is unknown now.
    expect((await after.call('GET', '/v0/accounts/current', { token: learner })).status).toBe(401);
    await after.sim.close();
  });

  it('holds every change before its answer arrives, atomically (no temporary file left)', async () => {
    const sim = simHarness({ stateFile });
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sim.createAccount(`written-before-answer-${i}`)),
    );
    // Read at once, without waiting and without close(): what was answered is on disk.
    const saved = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(saved.accounts.map((account: { id: string }) => account.id).sort()).toEqual(
      [...ids].sort(),
    );
    expect(await readdir(join(dir, 'nested'))).toEqual(['platform-sim.json']);
    // A fresh instance reads what was written, without the first one ever being closed.
    expect(
      createPlatformSim({ stateFile })
        .accounts()
        .accounts.map((a) => a.id)
        .sort(),
    ).toEqual([...ids].sort());
    await sim.sim.close();
  });

  it('keeps events and mastery: a restarted simulator recommends what it did before', async () => {
    const before = simHarness({ stateFile });
    const admin = await before.adminToken();
    const accountId = await before.createAccount('learner-mastery', admin);
    const graph = (await before.call('GET', '/__sim/graphs')).body.graphs[0];
    const instance = await before.call('POST', '/v0/learning-instances', {
      token: admin,
      json: { graph_id: graph.id, name: 'mastery kept' },
    });
    const registration = await before.call('POST', '/v0/registrations', {
      token: admin,
      json: { account_id: accountId, learning_instance_id: instance.body.id, type: 'learner' },
    });
    const learner = (await before.tokenFor('learner-mastery')).access_token;
    const graded = (moduleId: string) => ({
      type: 'graded',
      module_id: moduleId,
      interaction_end_time: '2026-11-26T15:30:00Z',
      is_correct: true,
    });
    // Module 0 mastered, module 1 half way (one correct answer of two).
    const sent = await before.call(
      'POST',
      `/v0/registrations/${registration.body.id}/batch-events`,
      {
        token: learner,
        json: {
          events: [
            graded(graph.moduleIds[0]),
            graded(graph.moduleIds[0]),
            graded(graph.moduleIds[1]),
          ],
        },
      },
    );
    expect(sent.status).toBe(204);
    const path = `/v0/registrations/${registration.body.id}/recommendation`;
    const recommended = (await before.call('GET', path, { token: learner })).body;
    expect(recommended.module_ids[0]).toBe(graph.moduleIds[1]);
    // No close(): as after a kill -9.

    const after = simHarness({ stateFile });
    const learnerAfter = (await after.tokenFor('learner-mastery')).access_token;
    expect((await after.call('GET', path, { token: learnerAfter })).body).toEqual(recommended);
    // The half-way evidence was kept too: one more correct answer masters module 1.
    await after.call('POST', `/v0/registrations/${registration.body.id}/graded-events`, {
      token: learnerAfter,
      json: { ...graded(graph.moduleIds[1]), type: undefined },
    });
    expect((await after.call('GET', path, { token: learnerAfter })).body.module_ids[0]).toBe(
      graph.moduleIds[2],
    );
    await before.sim.close();
    await after.sim.close();
  });

  it('keeps a reset: the next instance starts empty', async () => {
    const first = simHarness({ stateFile });
    await first.createAccount('before-reset');
    first.sim.reset();
    await first.sim.close();
    const second = createPlatformSim({ stateFile });
    expect(second.accounts().accounts).toEqual([]);
    await second.close();
  });

  it('refuses a state file it cannot understand, naming it, and leaves it untouched', async () => {
    const broken = join(dir, 'broken.json');
    for (const text of [
      '{"version": 1, "accounts": [',
      '{"version": 2, "accounts": [], "learningInstances": [], "registrations": []}',
      '{"version": 1, "accounts": [{"id": "a", "externalUserId": "sim-partner-SystemUser", "createdAt": 0, "deletedAt": null, "test": false}], "learningInstances": [], "registrations": []}',
      '{"version": 1, "accounts": [], "learningInstances": [], "registrations": [{"id": "r", "accountId": "nobody", "learningInstanceId": "i", "type": "learner", "deletedAt": null, "eventCount": 0, "completedModules": []}]}',
    ]) {
      await writeFile(broken, text);
      expect(() => createPlatformSim({ stateFile: broken })).toThrow(
        /`stateFile` .*broken\.json is not a simulator state file/,
      );
      expect(await readFile(broken, 'utf8')).toBe(text);
    }
  });
});
