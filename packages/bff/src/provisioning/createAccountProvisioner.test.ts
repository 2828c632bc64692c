import { createHmac } from 'node:crypto';
import { describe, expect, vi } from 'vitest';
import { createPlatformDoor } from '../../test/support/platformDoor.js';
import {
  createProvisioningHarness,
  provisioningTest as it,
  testPseudonymKey,
} from '../../test/support/provisioningHarness.js';
import {
  type StoreKind,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import {
  isInvalidExternalIdError,
  isKnewtonUnavailableError,
  isStoreUnavailableError,
  KnewtonUnavailableError,
} from '../errors.js';

// Stores start in about a second, the first PGlite of a file (initdb) in up to ten on a busy machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('createAccountProvisioner');

describe.each(storeKinds)('provisioning on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    it.override({ storeKind: kind });

    it('creates one account for 200 concurrent ensures of one user', async ({
      startHarness: start,
    }) => {
      const h = await start();
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          h.provisioner.ensureAccount('user-42', { requestId: `req-${i}` }),
        ),
      );
      expect(h.createCalls()).toBe(1);
      expect(new Set(results.map((r) => r.account.accountId)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(h.sim.stats().accounts).toBe(1);
      expect(await h.rows()).toBe(1);
      const [first] = results;
      expect(await h.provisioner.getAccount('user-42')).toEqual(first?.account);
      // A provisioner with a cold cache (as in another process) finds the row and creates nothing.
      const second = await h.secondProvisioner();
      expect(await second.ensureAccount('user-42')).toEqual({
        account: first?.account,
        outcome: 'existed',
        created: false,
      });
      expect(h.createCalls()).toBe(1);
    });

    it('creates one account each for 100 users arriving at once, coalesced into batches', async ({
      startHarness: start,
    }) => {
      // Ten single creates in the window; the rest must share batches.
      const h = await start({ platform: { rateLimits: { accountCreatesPerMinute: 10 } } });
      const users = Array.from({ length: 100 }, (_, i) => `user-${i}`);
      const results = await Promise.all(users.map((user) => h.provisioner.ensureAccount(user)));
      expect(h.createCalls()).toBeLessThanOrEqual(10);
      expect(h.batchCalls()).toBeGreaterThanOrEqual(2);
      const platformCalls = h.createCalls() + h.batchCalls();
      expect(platformCalls).toBeLessThanOrEqual(15);
      expect(results.every((r) => r.created && r.outcome === 'created')).toBe(true);
      expect(new Set(results.map((r) => r.account.accountId)).size).toBe(100);
      expect(await h.rows()).toBe(100);
      expect(h.sim.stats().accounts).toBe(100);
      // Ensuring them again touches nothing on the platform.
      const again = await Promise.all(users.map((user) => h.provisioner.ensureAccount(user)));
      expect(again.map((r) => r.account)).toEqual(results.map((r) => r.account));
      expect(again.every((r) => r.outcome === 'existed')).toBe(true);
      expect(h.createCalls() + h.batchCalls()).toBe(platformCalls);
    });

    it('getAccount never calls the platform and never creates', async ({ startHarness: start }) => {
      const h = await start();
      expect(await h.provisioner.getAccount('user-1')).toBeUndefined();
      expect(h.sim.stats().calls).toEqual({});
      expect(await h.rows()).toBe(0);
      const { account } = await h.provisioner.ensureAccount('user-1');
      const callsAfterEnsure = h.sim.stats().calls;
      expect(await h.provisioner.getAccount('user-1')).toEqual(account);
      expect(await (await h.secondProvisioner()).getAccount('user-1')).toEqual(account);
      expect(h.sim.stats().calls).toEqual(callsAfterEnsure);
    });

    it('sends an HMAC external id, never the app user id, and records its key version', async ({
      startHarness: start,
    }) => {
      const h = await start();
      const { account } = await h.provisioner.ensureAccount('jane@example.com');
      const [simAccount] = h.sim.accounts().accounts.filter((a) => a.id === account.accountId);
      expect(simAccount?.externalUserId).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(simAccount?.externalUserId).not.toContain('jane');
      const row = await h.testStore.store.findByAppUserId('jane@example.com');
      expect(row).toMatchObject({
        externalId: simAccount?.externalUserId,
        keyVersion: 'v1',
        accountId: account.accountId,
      });
    });

    // With the test key, `user-129201` maps to `8GuHRa2-1zi0lRrYBMC0fGvKjt9-605094F7T9hnHfw`, whose
    // `…Kjt9-605094F7` the PII check once took for a phone number: the simulator refused it and that
    // user got 503 on every ensure.
    it('provisions a user whose default external id has a phone-like digit run', async ({
      startHarness: start,
    }) => {
      const h = await start({ externalIds: { key: 'k'.repeat(32) } });
      const { account, created } = await h.provisioner.ensureAccount('user-129201');
      expect(created).toBe(true);
      const [simAccount] = h.sim.accounts().accounts.filter((a) => a.id === account.accountId);
      expect(simAccount?.externalUserId).toBe('8GuHRa2-1zi0lRrYBMC0fGvKjt9-605094F7T9hnHfw');
    });

    it('repairs a create whose answer was lost on the next ensure, without a second account', async ({
      startHarness: start,
    }) => {
      const h = await start({ platform: { maxRetries: 0 } });
      h.sim.setFaults({ dropAfterCreate: true });
      const lost = await h.provisioner.ensureAccount('user-7').catch((error: unknown) => error);
      expect(isKnewtonUnavailableError(lost)).toBe(true);
      expect(h.sim.stats().accounts).toBe(1);
      expect(await h.rows()).toBe(0);
      h.sim.setFaults({});
      const repaired = await h.provisioner.ensureAccount('user-7');
      expect(repaired).toMatchObject({ created: true, outcome: 'repaired' });
      expect(h.sim.stats().accounts).toBe(1);
      expect(h.sim.accounts().accounts.map((a) => a.id)).toContain(repaired.account.accountId);
      expect(await h.rows()).toBe(1);
      expect(await h.provisioner.ensureAccount('user-7')).toEqual({
        account: repaired.account,
        outcome: 'existed',
        created: false,
      });
    });

    it('repairs a lost answer within the same ensure when retries are allowed', async ({
      startHarness: start,
    }) => {
      const h = await start();
      h.sim.setFaults({ dropAfterCreate: true });
      const result = await h.provisioner.ensureAccount('user-8');
      expect(result.created).toBe(true);
      expect(h.sim.stats().accounts).toBe(1);
      expect(h.sim.accounts().accounts.map((a) => a.id)).toContain(result.account.accountId);
      expect(h.createCalls()).toBe(2);
    });

    it('adopts the account of a process that crashed between the platform create and its write', async ({
      startHarness: start,
    }) => {
      const h = await start();
      // What the crashed process managed to do: the platform create, with the user's real external id.
      const externalId = createHmac('sha256', testPseudonymKey)
        .update('v1:user-crash')
        .digest('base64url');
      const orphan = await h.sim.fetch(
        new Request('http://knewton.test/v0/oauth/token', {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${h.sim.apiKey}:${h.sim.apiSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            scope: h.sim.systemExternalUserId,
          }),
        }),
      );
      const { access_token } = (await orphan.json()) as { access_token: string };
      const created = await h.sim.fetch(
        new Request('http://knewton.test/v0/accounts', {
          method: 'POST',
          headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ external_user_id: externalId }),
        }),
      );
      const { id } = (await created.json()) as { id: string };
      const result = await h.provisioner.ensureAccount('user-crash');
      expect(result).toMatchObject({ account: { accountId: id }, created: true });
      expect(h.sim.stats().accounts).toBe(1);
      expect(await h.rows()).toBe(1);
    });

    it('writes nothing while the platform is down, then succeeds once it is back', async ({
      startHarness: start,
    }) => {
      const h = await start();
      h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      const failure = await h.provisioner.ensureAccount('user-9').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KnewtonUnavailableError);
      expect((failure as KnewtonUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(await h.rows()).toBe(0);
      expect(h.sim.stats().accounts).toBe(0);
      await expect(h.provisioner.checkReadiness()).rejects.toBeInstanceOf(KnewtonUnavailableError);
      h.sim.setFaults({});
      const result = await h.provisioner.ensureAccount('user-9');
      expect(result.created).toBe(true);
      expect(await h.rows()).toBe(1);
      await h.provisioner.checkReadiness();
    });

    it('refreshes an expired platform token transparently, once for many callers', async ({
      startHarness: start,
    }) => {
      const h = await start();
      await h.provisioner.ensureAccount('user-a');
      expect(h.tokenCalls()).toBe(1);
      h.sim.setFaults({ expireTokens: true });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => h.provisioner.ensureAccount(`user-b${i}`)),
      );
      expect(results.every((r) => r.created)).toBe(true);
      expect(h.tokenCalls()).toBe(2);
      expect(h.sim.stats().accounts).toBe(21);
    });

    it('rides out a storm of 429s by waiting and resending', async ({ startHarness: start }) => {
      let answered429 = 0;
      const h = await start({
        platform: { maxRateLimitRetries: 10 },
        wrapFetch: (next) => async (request) => {
          const response = await next(request);
          if (response.status === 429) answered429++;
          return response;
        },
      });
      await h.provisioner.checkReadiness();
      h.sim.setFaults({ errorRate: 0.4, errorStatus: 429 });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => h.provisioner.ensureAccount(`user-${i}`)),
      );
      expect(results.every((r) => r.created)).toBe(true);
      expect(h.sim.stats().accounts).toBe(10);
      expect(answered429).toBeGreaterThan(0);
    });

    it('gives up on an endless 429 storm after a bounded number of resends', async ({
      startHarness: start,
    }) => {
      const h = await start({ platform: { maxRateLimitRetries: 3 } });
      await h.provisioner.checkReadiness();
      h.sim.setFaults({ errorRate: 1, errorStatus: 429 });
      const failure = await h.provisioner.ensureAccount('user-1').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KnewtonUnavailableError);
      expect((failure as KnewtonUnavailableError).status).toBe(429);
      expect(h.createCalls()).toBe(4);
      expect(await h.rows()).toBe(0);
    });

    it('reports a hanging platform as unavailable once the timeouts run out', async ({
      startHarness: start,
    }) => {
      const h = await start({ platform: { timeoutMs: 200, maxRetries: 1 } });
      await h.provisioner.checkReadiness();
      h.sim.setFaults({ hang: true });
      const startedAt = performance.now();
      const failure = await h.provisioner.ensureAccount('user-1').catch((error: unknown) => error);
      const elapsedMs = performance.now() - startedAt;
      expect(failure).toBeInstanceOf(KnewtonUnavailableError);
      expect((failure as Error).message).toMatch(/timed out after 200 ms/);
      // Two attempts of 200 ms and one backoff step; far below what "hanging forever" would take.
      expect(elapsedMs).toBeLessThan(5_000);
      expect(await h.rows()).toBe(0);
      h.sim.setFaults({});
      expect((await h.provisioner.ensureAccount('user-1')).created).toBe(true);
    });

    it('reports a store that went away as StoreUnavailableError, without calling the platform', async ({
      startHarness: start,
    }) => {
      const h = await start({ dedicatedStore: true });
      await h.testStore.store.close();
      const failure = await h.provisioner.ensureAccount('user-1').catch((error: unknown) => error);
      expect(isStoreUnavailableError(failure)).toBe(true);
      await expect(h.provisioner.getAccount('user-1')).rejects.toSatisfy(isStoreUnavailableError);
      await expect(h.provisioner.checkReadiness()).rejects.toSatisfy(isStoreUnavailableError);
      expect(h.createCalls()).toBe(0);
    });

    it('carries the request id to the platform as request-label', async ({
      startHarness: start,
    }) => {
      const h = await start();
      await h.provisioner.ensureAccount('user-1', { requestId: 'req-abc' });
      expect(h.requestLabels).toContain('req-abc');
    });

    it('refuses a mapper output that looks like PII, before any platform call or write', async ({
      startHarness: start,
    }) => {
      const h = await start({ externalIds: { map: (appUserId) => `${appUserId}` } });
      for (const userId of ['jane@example.com', '+1 (555) 123-4567']) {
        const failure = await h.provisioner.ensureAccount(userId).catch((error: unknown) => error);
        expect(isInvalidExternalIdError(failure)).toBe(true);
      }
      expect(h.sim.stats().calls).toEqual({});
      expect(await h.rows()).toBe(0);
      // An opaque id passes through a custom mapper unchanged.
      const { account } = await h.provisioner.ensureAccount('u_9f2c');
      expect(
        h.sim.accounts().accounts.find((a) => a.id === account.accountId)?.externalUserId,
      ).toBe('u_9f2c');
      expect((await h.testStore.store.findByAppUserId('u_9f2c'))?.keyVersion).toBe('custom');
    });

    it('never logs the api secret, a platform token, the HMAC key, app user ids or external ids', async ({
      startHarness: start,
    }) => {
      const h = await start({ platform: { maxRetries: 0, maxRateLimitRetries: 10 } });
      await h.provisioner.ensureAccount('secret-user-1');
      h.sim.setFaults({ expireTokens: true });
      await h.provisioner.ensureAccount('secret-user-2');
      h.sim.setFaults({ dropAfterCreate: true });
      await h.provisioner.ensureAccount('secret-user-3').catch(() => {});
      h.sim.setFaults({ errorRate: 0.4, errorStatus: 429 });
      await h.provisioner.ensureAccount('secret-user-3');
      h.sim.setFaults({});
      expect(h.logLines.length).toBeGreaterThan(2);
      expect(h.issuedTokens.size).toBeGreaterThanOrEqual(2);
      const externalIds = h.sim.accounts().accounts.map((a) => a.externalUserId);
      const forbidden = [
        h.sim.apiSecret,
        testPseudonymKey,
        'secret-user',
        ...h.issuedTokens,
        ...externalIds,
      ];
      for (const line of h.logLines) {
        for (const value of forbidden) expect(line).not.toContain(value);
      }
    });

    it('waits for in-flight ensures on close', async ({ startHarness: start }) => {
      const door = createPlatformDoor('/v0/accounts');
      const h = await start({ wrapFetch: door.wrapFetch });
      const pending = h.provisioner.ensureAccount('user-1');
      await door.arrived();
      const closing = h.provisioner.close();
      door.open();
      await closing;
      expect((await pending).created).toBe(true);
      expect(await h.rows()).toBe(1);
      await expect(h.provisioner.ensureAccount('user-2')).rejects.toThrow(/closed/);
    });
  });
});

describe('createAccountProvisioner options', () => {
  it('are validated, naming the option', async () => {
    const h = await createProvisioningHarness('pglite');
    try {
      const platform = {
        baseUrl: 'http://knewton.test',
        apiKey: 'k',
        apiSecret: 's',
        systemExternalUserId: 'sys',
      };
      const store = h.testStore.store;
      const { createAccountProvisioner } = await import('./createAccountProvisioner.js');
      const attempt = (options: unknown) => createAccountProvisioner(options as never);
      await expect(
        attempt({
          platform: { ...platform, baseUrl: 'nope' },
          store,
          externalIds: { key: testPseudonymKey },
        }),
      ).rejects.toThrow('`platform.baseUrl`');
      await expect(
        attempt({
          platform: { ...platform, apiSecret: '' },
          store,
          externalIds: { key: testPseudonymKey },
        }),
      ).rejects.toThrow('`platform.apiSecret`');
      await expect(
        attempt({
          platform: { ...platform, timeoutMs: 0 },
          store,
          externalIds: { key: testPseudonymKey },
        }),
      ).rejects.toThrow('`platform.timeoutMs`');
      await expect(
        attempt({ platform, store: {}, externalIds: { key: testPseudonymKey } }),
      ).rejects.toThrow('`store`');
      await expect(attempt({ platform, store, externalIds: { key: 'short' } })).rejects.toThrow(
        '`externalIds.key`',
      );
      await expect(attempt({ platform, store, externalIds: { map: 'x' } })).rejects.toThrow(
        '`externalIds.map`',
      );
      await expect(
        attempt({ platform, store, externalIds: { key: testPseudonymKey }, logger: null }),
      ).rejects.toThrow('`logger`');
      await expect(h.provisioner.ensureAccount('')).rejects.toThrow(/app user id/);
    } finally {
      await h.dispose();
    }
  });
});
