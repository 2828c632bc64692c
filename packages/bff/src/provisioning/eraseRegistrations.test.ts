import { sql } from 'kysely';
import { describe, expect, vi } from 'vitest';
import { testGraph } from '../../test/support/deliveryHarness.js';
import {
  provisioningTest as it,
  type ProvisioningHarness,
} from '../../test/support/provisioningHarness.js';
import { rowsNaming } from '../../test/support/rowsNaming.js';
import {
  type StoreKind,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { isKnewtonUnavailableError } from '../errors.js';
import { createRegistrar } from '../learning/createRegistrar.js';
import type { Logger } from '../logger.js';
import { createLearningCalls } from '../platform/createLearningCalls.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('eraseRegistrations');

function simAccount(h: ProvisioningHarness, accountId: string) {
  return h.sim.accounts().accounts.find((account) => account.id === accountId);
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Provisions the user and registers them on the simulator the way the learning routes do (the
 * registrar); `registered()` asks the platform's own list whether the registration is still there.
 */
async function registeredLearner(h: ProvisioningHarness, user: string) {
  const { account } = await h.provisioner.ensureAccount(user);
  const calls = createLearningCalls({ ...h.platform, logger: quiet });
  const registrar = createRegistrar({
    store: h.testStore.store,
    calls,
    graphId: testGraph.id,
    learningInstanceName: 'erase-test',
    registrationsPerInstance: 10,
    logger: quiet,
  });
  const registrationId = await registrar.registrationId({
    appUserId: user,
    accountId: account.accountId,
  });
  const row = await sql<{ learning_instance_id: string }>`
    select learning_instance_id from knewton_registrations where app_user_id = ${user}`.execute(
    h.testStore.store.db,
  );
  const instanceId = row.rows[0]?.learning_instance_id as string;
  return {
    accountId: account.accountId,
    registrationId,
    registered: async () =>
      (await calls.findRegistration(instanceId, account.accountId)) !== undefined,
  };
}

async function tombstones(h: ProvisioningHarness) {
  return h.testStore.store.db
    .selectFrom('knewton_erasures')
    .select(['account_id', 'registration_ids'])
    .execute();
}

const deleteRegistrationCalls = (h: ProvisioningHarness) =>
  h.sim.stats().calls['DELETE /v0/registrations/{id}'] ?? 0;

describe.each(storeKinds)('erasing a registered learner on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    it.override({ storeKind: kind });

    it("deletes the learner's registrations on the platform, then the account, once", async ({
      startHarness,
    }) => {
      const h = await startHarness();
      const learner = await registeredLearner(h, 'registered-learner');
      expect(await learner.registered()).toBe(true);

      expect(await h.provisioner.eraseAccount?.('registered-learner')).toBe('erased');
      expect(await learner.registered()).toBe(false);
      expect(simAccount(h, learner.accountId)?.deletedAt).toEqual(expect.any(String));
      expect(deleteRegistrationCalls(h)).toBe(1);
      expect(await tombstones(h)).toEqual([{ account_id: null, registration_ids: null }]);
      // A rerun has nothing left to delete.
      expect(await h.provisioner.eraseAccount?.('registered-learner')).toBe('already erased');
      expect(deleteRegistrationCalls(h)).toBe(1);
    });

    it('a lost registration DELETE answer leaves the erasure pending, with the ids and no user id; the next erase finishes it', async ({
      startHarness,
    }) => {
      let dropNext = false;
      const h = await startHarness({
        platform: { maxRetries: 0 },
        // The DELETE reaches the simulator (the registration is gone there), its answer never arrives.
        wrapFetch: (next) => async (request) => {
          const response = await next(request);
          if (dropNext && request.method === 'DELETE' && request.url.includes('/registrations/')) {
            dropNext = false;
            throw new TypeError('fetch failed (test: answer lost)');
          }
          return response;
        },
      });
      const learner = await registeredLearner(h, 'lost-registration');
      dropNext = true;
      const failed = await h.provisioner.eraseAccount?.('lost-registration').catch((e) => e);
      expect(isKnewtonUnavailableError(failed)).toBe(true);
      expect(await learner.registered()).toBe(false);
      // Registrations go first: the account waits for them, and the tombstone holds what is left.
      expect(simAccount(h, learner.accountId)?.deletedAt).toBeNull();
      expect(await tombstones(h)).toEqual([
        {
          account_id: learner.accountId,
          registration_ids: JSON.stringify([learner.registrationId]),
        },
      ]);
      expect(await rowsNaming(h, 'lost-registration')).toEqual({});

      // The rerun's DELETE answers 404 (done), then the account goes.
      expect(await h.provisioner.eraseAccount?.('lost-registration')).toBe('erased');
      expect(simAccount(h, learner.accountId)?.deletedAt).toEqual(expect.any(String));
      expect(await tombstones(h)).toEqual([{ account_id: null, registration_ids: null }]);
      expect(deleteRegistrationCalls(h)).toBe(2);
      expect(h.sim.stats().calls['DELETE /v0/accounts/{id}']).toBe(1);
      expect((await h.provisioner.ensureAccount('lost-registration')).outcome).toBe('created');
    });

    it('a restart finishes an erasure whose registration DELETE failed', async ({
      startHarness,
    }) => {
      const h = await startHarness({ platform: { maxRetries: 0 } });
      const learner = await registeredLearner(h, 'registration-outage');
      h.sim.setFaults({ errorRate: 1 });
      await expect(h.provisioner.eraseAccount?.('registration-outage')).rejects.toThrow();
      h.sim.setFaults({});
      expect(await learner.registered()).toBe(true);
      expect(await tombstones(h)).toEqual([
        {
          account_id: learner.accountId,
          registration_ids: JSON.stringify([learner.registrationId]),
        },
      ]);

      await h.secondProvisioner();
      await vi.waitFor(async () =>
        expect(await tombstones(h)).toEqual([{ account_id: null, registration_ids: null }]),
      );
      expect(await learner.registered()).toBe(false);
      expect(simAccount(h, learner.accountId)?.deletedAt).toEqual(expect.any(String));
    });
  });
});
