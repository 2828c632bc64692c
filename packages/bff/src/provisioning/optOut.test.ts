import { describe, expect, vi } from 'vitest';
import { driveClockUntil } from '../../test/support/driveClock.js';
import { createPlatformDoor } from '../../test/support/platformDoor.js';
import { provisioningTest as it } from '../../test/support/provisioningHarness.js';
import {
  type StoreKind,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { isKnewtonOptedOutError } from '../errors.js';

// Stores start in about a second, the first PGlite of a file (initdb) in up to ten on a busy machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('optOut');

/** About one single create a second (the pacing keeps real time) and no batches. */
const oneCreateASecond = { accountCreatesPerMinute: 1, batchCallsPerMinute: 0, timeScale: 60 };

describe.each(storeKinds)('opting out on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    it.override({ storeKind: kind });

    it('cancels a creation still queued (202) when the learner opts out, from this or another process', async ({
      startHarness,
      clock,
    }) => {
      const h = await startHarness({
        clock,
        platform: { rateLimits: oneCreateASecond },
        provisioner: { maxQueuedCreations: 10 },
      });
      // A second process over the same store: the opt-out is made there.
      const elsewhere = await h.secondProvisioner();
      const ensure = (user: string) => h.provisioner.ensureAccount(user, { holdMs: 100 });
      expect(await ensure('early')).toMatchObject({ outcome: 'created' });
      for (const user of ['herd-1', 'herd-2', 'herd-3'])
        expect(await ensure(user)).toMatchObject({ outcome: 'queued' });

      expect(await elsewhere.optOut('herd-2')).toMatchObject({ changed: true });
      // The line is first come, first served: once herd-3 exists, herd-2's turn has passed.
      await driveClockUntil(
        clock,
        async () => (await h.provisioner.getAccount('herd-3')) !== undefined,
      );
      await expect(h.provisioner.getAccount('herd-1')).resolves.toBeDefined();
      await expect(ensure('herd-2')).rejects.toSatisfy(isKnewtonOptedOutError);
      await expect(elsewhere.ensureAccount('herd-2')).rejects.toSatisfy(isKnewtonOptedOutError);
      expect(h.sim.stats().accounts).toBe(3);
      expect(await h.rows()).toBe(3);

      // Opting back in provisions normally.
      await elsewhere.optIn('herd-2');
      expect(await ensure('herd-2')).toMatchObject({ outcome: 'queued' });
      await driveClockUntil(
        clock,
        async () => (await h.provisioner.getAccount('herd-2')) !== undefined,
      );
      expect(h.sim.stats().accounts).toBe(4);
    });

    it('leaves a learner who opted out while waiting for a batch out of it', async ({
      startHarness,
      clock,
    }) => {
      // The one single create of the minute goes to `early`; the rest wait for a batch, which lingers
      // for more users on the fake clock until the test moves it.
      const h = await startHarness({
        clock,
        platform: { rateLimits: { accountCreatesPerMinute: 1 } },
      });
      await expect(h.provisioner.ensureAccount('early')).resolves.toMatchObject({
        outcome: 'created',
      });
      const herd = ['herd-1', 'herd-2', 'herd-3'].map((user) =>
        h.provisioner.ensureAccount(user).then(
          (result) => result.outcome,
          (error: unknown) => (isKnewtonOptedOutError(error) ? 'opted out' : error),
        ),
      );
      await vi.waitFor(() => expect(h.lookups()).toBeGreaterThanOrEqual(4));
      await h.provisioner.optOut('herd-2');
      await driveClockUntil(clock, async () => h.batchCalls() > 0);
      expect(await Promise.all(herd)).toEqual(['created', 'opted out', 'created']);
      expect(h.batchCalls()).toBe(1);
      expect(h.createCalls()).toBe(1);
      expect(h.sim.stats().accounts).toBe(3);
    });

    it('lets a create already at the platform finish first: the account is kept, unused', async ({
      startHarness,
    }) => {
      const door = createPlatformDoor('/v0/accounts');
      const h = await startHarness({ wrapFetch: door.wrapFetch });
      const ensuring = h.provisioner.ensureAccount('ada');
      await door.arrived();
      let optedOut = false;
      const optingOut = h.provisioner.optOut('ada').then((change) => {
        optedOut = true;
        return change;
      });
      // The opt-out waits for the user's lock, which the create holds through its platform call.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(optedOut).toBe(false);
      door.open();
      // Asked before the opt-out returned: answered.
      await expect(ensuring).resolves.toMatchObject({ outcome: 'created' });
      await expect(optingOut).resolves.toMatchObject({ changed: true });
      await expect(h.provisioner.ensureAccount('ada')).rejects.toSatisfy(isKnewtonOptedOutError);
      await expect(h.provisioner.getAccount('ada')).rejects.toSatisfy(isKnewtonOptedOutError);
      expect(h.provisioner.knownAccount?.('ada')).toBeUndefined();
      expect(h.createCalls()).toBe(1);
      expect(await h.rows()).toBe(1);
    });

    it('stops every process answering an account it holds in memory', async ({ startHarness }) => {
      const h = await startHarness({ provisioner: { optOutWatchMs: 20 } });
      const elsewhere = await h.secondProvisioner({ optOutWatchMs: 20 });
      const { account } = await h.provisioner.ensureAccount('ada');
      expect(h.provisioner.knownAccount?.('ada')).toEqual(account);
      await elsewhere.optOut('ada');
      // In the process that opted out at once; in the other within its watch interval.
      expect(elsewhere.knownAccount?.('ada')).toBeUndefined();
      await vi.waitFor(() => expect(h.provisioner.knownAccount?.('ada')).toBeUndefined());
      await expect(h.provisioner.ensureAccount('ada')).rejects.toSatisfy(isKnewtonOptedOutError);
      await elsewhere.optIn('ada');
      await expect(h.provisioner.ensureAccount('ada')).resolves.toMatchObject({
        account,
        outcome: 'existed',
      });
    });
  });
});
