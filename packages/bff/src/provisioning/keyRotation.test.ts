import { describe, expect, vi } from 'vitest';
import {
  provisioningTest as it,
  type ProvisioningHarness,
} from '../../test/support/provisioningHarness.js';
import {
  type StoreKind,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { createExternalIdMapper } from '../externalId/createExternalIdMapper.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('keyRotation');

const v1 = { version: 'v1', key: 'rotation-test-key-one-0123456789abcdef' };
const v2 = { version: 'v2', key: 'rotation-test-key-two-0123456789abcdef' };

/** Every platform account is mapped by exactly one row, with the external id it was created with. */
async function expectNoDuplicateNorOrphan(h: ProvisioningHarness, users: number): Promise<void> {
  const rows = await h.testStore.store.db
    .selectFrom('knewton_accounts')
    .select(['account_id', 'external_id'])
    .execute();
  const accounts = h.sim.accounts().accounts;
  expect(accounts).toHaveLength(users);
  expect(rows).toHaveLength(users);
  const byId = new Map(accounts.map((account) => [account.id, account.externalUserId]));
  for (const row of rows) expect(byId.get(row.account_id)).toBe(row.external_id);
}

describe.each(storeKinds)('key rotation on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    it.override({ storeKind: kind });

    it('repairs a create lost just before the rotation under its old key; new users get the new key', async ({
      startHarness,
    }) => {
      const h = await startHarness({
        platform: { maxRetries: 0 },
        externalIds: { keys: [v1] },
      });
      await h.provisioner.ensureAccount('kept');
      h.sim.setFaults({ dropAfterCreate: true });
      await expect(h.provisioner.ensureAccount('lost')).rejects.toThrow();
      h.sim.setFaults({});
      // The operator rotates: the BFF restarts with both keys, the newest last.
      const rotated = await h.secondProvisioner({ externalIds: { keys: [v1, v2] } });
      expect((await rotated.ensureAccount('lost')).outcome).toBe('repaired');
      expect((await rotated.ensureAccount('kept')).outcome).toBe('existed');
      expect((await rotated.ensureAccount('fresh')).outcome).toBe('created');
      await expectNoDuplicateNorOrphan(h, 3);
      const versions = Object.fromEntries(
        (
          await h.testStore.store.db
            .selectFrom('knewton_accounts')
            .select(['app_user_id', 'key_version', 'external_id'])
            .execute()
        ).map((row) => [row.app_user_id, row]),
      );
      expect(versions.kept?.key_version).toBe('v1');
      expect(versions.lost?.key_version).toBe('v1');
      expect(versions.fresh).toMatchObject({
        key_version: 'v2',
        external_id: (await createExternalIdMapper({ keys: [v2] })('fresh')).externalId,
      });
    });

    it('repairs a lost batch answer of a herd after the rotation, with no second account', async ({
      startHarness,
    }) => {
      // One single create per window: the herd goes out in batches, whose answers are all lost.
      const h = await startHarness({
        platform: { maxRetries: 0, rateLimits: { accountCreatesPerMinute: 1 } },
        externalIds: { keys: [v1] },
      });
      const herd = Array.from({ length: 40 }, (_, i) => `herd-${i}`);
      h.sim.setFaults({ dropAfterCreate: true });
      await Promise.allSettled(herd.map((user) => h.provisioner.ensureAccount(user)));
      const createdBeforeRotation = h.sim.stats().accounts;
      expect(createdBeforeRotation).toBeGreaterThan(0);
      h.sim.setFaults({});
      const rotated = await h.secondProvisioner({ externalIds: { keys: [v1, v2] } });
      const outcomes = await Promise.all(herd.map((user) => rotated.ensureAccount(user)));
      expect(outcomes.filter((o) => o.outcome === 'repaired')).toHaveLength(createdBeforeRotation);
      await expectNoDuplicateNorOrphan(h, herd.length);
    });
  });
});
