import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlatformSim } from './createPlatformSim.js';
import { simHarness } from './testSupport/simHarness.js';

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

  it('writes shortly after a change without close(), atomically (no temporary file left)', async () => {
    const sim = simHarness({ stateFile });
    const id = await sim.createAccount('written-soon');
    await vi.waitFor(
      async () => {
        const saved = JSON.parse(await readFile(stateFile, 'utf8'));
        expect(saved.accounts.map((account: { id: string }) => account.id)).toEqual([id]);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(await readdir(join(dir, 'nested'))).toEqual(['platform-sim.json']);
    // A fresh instance reads what was written, without the first one ever being closed.
    expect(
      createPlatformSim({ stateFile })
        .accounts()
        .accounts.map((a) => a.id),
    ).toEqual([id]);
    await sim.sim.close();
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
