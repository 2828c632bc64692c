import { sql } from 'kysely';
import { describe, expect, vi } from 'vitest';
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
import { ErasureInProgressError, isKnewtonUnavailableError } from '../errors.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('eraseAccount');

async function externalIdOf(h: ProvisioningHarness, user: string): Promise<string | undefined> {
  const row = await h.testStore.store.db
    .selectFrom('knewton_accounts')
    .select('external_id')
    .where('app_user_id', '=', user)
    .executeTakeFirst();
  return row?.external_id;
}

function simAccount(h: ProvisioningHarness, accountId: string) {
  return h.sim.accounts().accounts.find((account) => account.id === accountId);
}

describe.each(storeKinds)('eraseAccount on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    it.override({ storeKind: kind });

    it('deletes the platform account and every row naming the user; the next ensure makes a fresh account', async ({
      startHarness,
    }) => {
      const h = await startHarness();
      const user = 'erase-me-7f3k';
      const first = await h.provisioner.ensureAccount(user);
      const firstExternalId = await externalIdOf(h, user);
      // The learner's learning rows, as the registrar and the event outbox write them.
      await sql`insert into knewton_learning_instances (graph_id, name, learning_instance_id) values ('gref-1', 'i', 'li-1')`.execute(
        h.testStore.store.db,
      );
      await sql`insert into knewton_registrations (app_user_id, learning_instance_id, graph_id, registration_id) values (${user}, 'li-1', 'gref-1', 'reg-1')`.execute(
        h.testStore.store.db,
      );
      await sql`insert into knewton_learning_events (app_user_id, event_id, payload) values (${user}, 'ev-1', '{}')`.execute(
        h.testStore.store.db,
      );
      await sql`insert into knewton_event_leases (app_user_id, owner, lease_until) values (${user}, 'p:1', now())`.execute(
        h.testStore.store.db,
      );
      await sql`insert into knewton_dead_letter_events (app_user_id, event_id, payload, accepted_at, status, answer) values (${user}, 'ev-0', '{}', now(), 404, 'not found')`.execute(
        h.testStore.store.db,
      );
      expect(Object.keys(await rowsNaming(h, user)).sort()).toEqual([
        'knewton_accounts',
        'knewton_dead_letter_events',
        'knewton_event_leases',
        'knewton_external_ids',
        'knewton_learning_events',
        'knewton_registrations',
      ]);

      await h.provisioner.eraseAccount?.(user);
      expect(simAccount(h, first.account.accountId)?.deletedAt).toEqual(expect.any(String));
      expect(await rowsNaming(h, user)).toEqual({});
      expect(await rowsNaming(h, firstExternalId as string)).toEqual({});
      expect(await rowsNaming(h, first.account.accountId)).toEqual({});
      expect(await h.provisioner.getAccount(user)).toBeUndefined();

      // Re-provisioning: a fresh account under a new external id, never the 422 dead end.
      const again = await h.provisioner.ensureAccount(user);
      expect(again.outcome).toBe('created');
      expect(again.account.accountId).not.toBe(first.account.accountId);
      expect(await externalIdOf(h, user)).not.toBe(firstExternalId);
      // A second erasure and a third account: each generation has its own id.
      await h.provisioner.eraseAccount?.(user);
      const third = await (await h.secondProvisioner()).ensureAccount(user);
      expect(third.outcome).toBe('created');
      expect(new Set(h.sim.accounts().accounts.map((a) => a.externalUserId)).size).toBe(3);
      expect(h.sim.stats().accounts).toBe(1);
    });

    it('answers at once for a user with nothing to erase, and erasing twice changes nothing more', async ({
      startHarness,
    }) => {
      const h = await startHarness();
      await h.provisioner.eraseAccount?.('never-seen');
      expect(await rowsNaming(h, 'never-seen')).toEqual({});
      await h.provisioner.ensureAccount('twice');
      await h.provisioner.eraseAccount?.('twice');
      await h.provisioner.eraseAccount?.('twice');
      expect(h.sim.stats().calls['DELETE /v0/accounts/{id}']).toBe(1);
      expect((await h.provisioner.ensureAccount('twice')).outcome).toBe('created');
    });

    it('a lost DELETE answer is harmless: the erasure is finished by the next call, ensures wait meanwhile', async ({
      startHarness,
    }) => {
      const h = await startHarness({ platform: { maxRetries: 0 } });
      const { account } = await h.provisioner.ensureAccount('lost-delete');
      h.sim.setFaults({ dropAfterDelete: true });
      const failed = await h.provisioner.eraseAccount?.('lost-delete').catch((e: unknown) => e);
      expect(isKnewtonUnavailableError(failed)).toBe(true);
      // The platform deleted it; the store no longer maps the user, and no create may run until the
      // erasure is confirmed.
      expect(simAccount(h, account.accountId)?.deletedAt).toEqual(expect.any(String));
      expect(await rowsNaming(h, 'lost-delete')).toEqual({});
      h.sim.setFaults({ errorRate: 1 });
      await expect(h.provisioner.ensureAccount('lost-delete')).rejects.toBeInstanceOf(
        ErasureInProgressError,
      );
      h.sim.setFaults({});
      await h.provisioner.eraseAccount?.('lost-delete');
      const fresh = await h.provisioner.ensureAccount('lost-delete');
      expect(fresh.outcome).toBe('created');
      expect(h.sim.stats().accounts).toBe(1);
    });

    it('a restart finishes an erasure whose platform call failed, with no call from the user', async ({
      startHarness,
    }) => {
      const h = await startHarness({ platform: { maxRetries: 0 } });
      const { account } = await h.provisioner.ensureAccount('outage');
      h.sim.setFaults({ errorRate: 1 });
      await expect(h.provisioner.eraseAccount?.('outage')).rejects.toThrow();
      expect(simAccount(h, account.accountId)?.deletedAt).toBeNull();
      expect(await rowsNaming(h, 'outage')).toEqual({});
      h.sim.setFaults({});
      await h.secondProvisioner();
      await vi.waitFor(() =>
        expect(simAccount(h, account.accountId)?.deletedAt).toEqual(expect.any(String)),
      );
      const pending = await h.testStore.store.db
        .selectFrom('knewton_erasures')
        .select('account_id')
        .execute();
      await vi.waitFor(async () =>
        expect(
          await h.testStore.store.db
            .selectFrom('knewton_erasures')
            .select('account_id')
            .where('account_id', 'is not', null)
            .execute(),
        ).toEqual([]),
      );
      expect(pending).toHaveLength(1);
    });

    it('erases the account of a create whose answer was lost (found through its recorded external id)', async ({
      startHarness,
    }) => {
      const h = await startHarness({ platform: { maxRetries: 0 } });
      h.sim.setFaults({ dropAfterCreate: true });
      await expect(h.provisioner.ensureAccount('half-made')).rejects.toThrow();
      h.sim.setFaults({});
      expect(h.sim.stats().accounts).toBe(1);
      await h.provisioner.eraseAccount?.('half-made');
      expect(h.sim.stats().accounts).toBe(0);
      expect(await rowsNaming(h, 'half-made')).toEqual({});
      expect((await h.provisioner.ensureAccount('half-made')).outcome).toBe('created');
      expect(h.sim.stats().accounts).toBe(1);
    });

    it('an ensure arriving during the erasure waits for it and gets the fresh account, never the old one', async ({
      startHarness,
    }) => {
      const h = await startHarness();
      const old = await h.provisioner.ensureAccount('racer');
      h.sim.setFaults({ latencyMs: 200 });
      const erasing = h.provisioner.eraseAccount?.('racer');
      const ensured = h.provisioner.ensureAccount('racer');
      await erasing;
      const fresh = await ensured;
      expect(fresh.account.accountId).not.toBe(old.account.accountId);
      expect(simAccount(h, fresh.account.accountId)?.deletedAt).toBeNull();
      expect(h.sim.stats().accounts).toBe(1);
    });
  });
});
