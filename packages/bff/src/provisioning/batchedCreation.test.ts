import { createHmac } from 'node:crypto';
import { describe, expect, vi } from 'vitest';
import {
  type HarnessOptions,
  type ProvisioningHarness,
  provisioningTest,
  testPseudonymKey,
} from '../../test/support/provisioningHarness.js';
import {
  type StoreKind,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { AccountStoreConflictError, isKnewtonUnavailableError } from '../errors.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
warnIfPostgresSkipped('batchedCreation');

const externalIdOf = (appUserId: string) =>
  createHmac('sha256', testPseudonymKey).update(`v1:${appUserId}`).digest('base64url');

const users = (count: number, prefix = 'herd') =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** Answers `/v0/batch` itself and passes everything else on. */
const onBatch =
  (answer: (request: Request, next: (r: Request) => Promise<Response>) => Promise<Response>) =>
  (next: (request: Request) => Promise<Response>) =>
  (request: Request) =>
    new URL(request.url).pathname === '/v0/batch' ? answer(request, next) : next(request);

/** A harness whose platform token is already fetched, disposed after the test. */
const it = provisioningTest.extend<{
  start(options?: HarnessOptions): Promise<ProvisioningHarness>;
}>({
  start: async ({ startHarness }, use) => {
    await use(async (options) => {
      const harness = await startHarness(options);
      await harness.provisioner.checkReadiness();
      return harness;
    });
  },
});

/**
 * Resolves once `count` store lookups were answered: their ensures then join the line within the same
 * turn of the event loop (the external id is computed synchronously), so the herd is in line.
 */
async function lookedUp(h: ProvisioningHarness, count: number): Promise<void> {
  await vi.waitFor(() => expect(h.lookups()).toBeGreaterThanOrEqual(count), {
    timeout: 10_000,
    interval: 2,
  });
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Holds the first `POST /v0/accounts` at the platform's door: with one create at a time, everyone who
 * arrives meanwhile lines up behind it until `release()`.
 */
function holdFirstCreate() {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => {
    markSent = resolve;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held = false;
  return {
    sent,
    release: () => release(),
    wrapFetch:
      (next: (request: Request) => Promise<Response>) =>
      async (request: Request): Promise<Response> => {
        if (!held && new URL(request.url).pathname === '/v0/accounts') {
          held = true;
          markSent();
          await released;
        }
        return next(request);
      },
  };
}

describe.each(storeKinds)('batched creation on %s', (kind: StoreKind) => {
  describe.skipIf(kind === 'postgres' && !testDatabaseUrl)('', () => {
    it.override({ storeKind: kind });

    it('provisions 600 users arriving at once in batches of at most 50, one account each', async ({
      start,
    }) => {
      // Ten single creates in the window, so everyone after them goes out in batches.
      const h = await start({ platform: { rateLimits: { accountCreatesPerMinute: 10 } } });
      const herd = users(600);
      const results = await Promise.all(herd.map((user) => h.provisioner.ensureAccount(user)));
      expect(h.sim.stats().accounts).toBe(600);
      expect(await h.rows()).toBe(600);
      expect(new Set(results.map((r) => r.account.accountId)).size).toBe(600);
      expect(results.every((r) => r.outcome === 'created')).toBe(true);
      // At most 10 alone, the other 590 or more in batches of at most 50: 12 or more batches.
      expect(h.createCalls()).toBeLessThanOrEqual(10);
      expect(h.batchCalls()).toBeGreaterThanOrEqual(12);
      expect(h.createCalls() + h.batchCalls()).toBeLessThan(40);
    });

    it('repairs an item answered 422 duplicate through the scoped token, beside created items', async ({
      start,
    }) => {
      const h = await start();
      // Users whose earlier create reached the platform but whose answer was lost (no row here).
      const orphans = ['herd-3', 'herd-17', 'herd-40'];
      const token = await systemToken(h);
      for (const orphan of orphans) {
        const created = await h.sim.fetch(
          new Request('http://knewton.test/v0/accounts', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ external_user_id: externalIdOf(orphan) }),
          }),
        );
        expect(created.status).toBe(201);
      }
      const herd = users(60);
      const results = await Promise.all(herd.map((user) => h.provisioner.ensureAccount(user)));
      expect(h.sim.stats().accounts).toBe(60);
      expect(await h.rows()).toBe(60);
      const repaired = herd.filter((_, i) => results[i]?.outcome === 'repaired');
      expect(repaired.sort()).toEqual([...orphans].sort());
      // The repaired users got the accounts that already existed, not new ones.
      const byExternalId = new Map(
        h.sim.accounts().accounts.map((account) => [account.externalUserId, account.id]),
      );
      for (const orphan of orphans) {
        const result = results[herd.indexOf(orphan)];
        expect(result?.account.accountId).toBe(byExternalId.get(externalIdOf(orphan)));
      }
    });

    it('fails only the refused items of a partly failed batch; their next ensure creates them', async ({
      start,
    }) => {
      const refused = new Set([externalIdOf('herd-5'), externalIdOf('herd-6')]);
      let refusing = true;
      const h = await start({
        wrapFetch: onBatch(async (request, next) => {
          if (!refusing) return next(request);
          // The platform refuses two items (here: sent without an external id) and creates the rest.
          const body = (await request.json()) as {
            requests: Array<{ body: { external_user_id: string } }>;
          };
          for (const item of body.requests) {
            if (refused.has(item.body.external_user_id)) item.body = {} as never;
          }
          return next(
            new Request(request, { body: JSON.stringify(body), method: 'POST' } as RequestInit),
          );
        }),
      });
      const herd = users(30);
      const settled = await Promise.allSettled(
        herd.map((user) => h.provisioner.ensureAccount(user)),
      );
      const failed = herd.filter((_, i) => settled[i]?.status === 'rejected');
      // herd-5 and herd-6 may have gone out alone (not in a batch) before the batches formed.
      expect(failed.every((user) => user === 'herd-5' || user === 'herd-6')).toBe(true);
      for (const [i, outcome] of settled.entries()) {
        if (outcome.status === 'rejected') {
          expect(isKnewtonUnavailableError(outcome.reason)).toBe(true);
          expect(String((outcome.reason as Error).message)).not.toContain(
            externalIdOf(herd[i] ?? ''),
          );
        }
      }
      expect(await h.rows()).toBe(30 - failed.length);
      expect(h.sim.stats().accounts).toBe(30 - failed.length);
      refusing = false;
      for (const user of failed)
        expect((await h.provisioner.ensureAccount(user)).outcome).toBe('created');
      expect(h.sim.stats().accounts).toBe(30);
      expect(await h.rows()).toBe(30);
    });

    it('a mapping clash inside a herd fails that user only; every other user of its batch is stored', async ({
      start,
    }) => {
      // A broken mapper gives two users one external id: the platform refuses the second create as a
      // duplicate, its repair finds the first user's account, and storing it would give one account to two
      // users. One singles start in the window, so the herd goes out in batches written in one statement.
      const clashing = new Set(['herd-20', 'herd-30']);
      const h = await start({
        platform: { rateLimits: { accountCreatesPerMinute: 1 } },
        externalIds: {
          map: (appUserId) => (clashing.has(appUserId) ? 'shared' : `x-${appUserId}`),
        },
      });
      const herd = users(60);
      const settled = await Promise.allSettled(
        herd.map((user) => h.provisioner.ensureAccount(user)),
      );
      const failed = herd.filter((_, i) => settled[i]?.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(clashing.has(failed[0] as string)).toBe(true);
      const reason = settled[herd.indexOf(failed[0] as string)];
      expect(reason?.status === 'rejected' && reason.reason).toBeInstanceOf(
        AccountStoreConflictError,
      );
      expect(await h.rows()).toBe(59);
      expect(h.sim.stats().accounts).toBe(59);
      expect(h.batchCalls()).toBeGreaterThan(0);
      const ids = settled.flatMap((s) =>
        s.status === 'fulfilled' ? [s.value.account.accountId] : [],
      );
      expect(new Set(ids).size).toBe(59);
    });

    it('repairs a batch whose answer was lost on the users’ next ensure, without second accounts', async ({
      start,
    }) => {
      const blocker = holdFirstCreate();
      const h = await start({
        platform: { maxRetries: 0, rateLimits: { accountCreatesPerMinute: 1 } },
        provisioner: { maxConcurrentCreations: 1 },
        wrapFetch: blocker.wrapFetch,
      });
      // One create at a time and one single create per window: while the first user's create is held,
      // the herd lines up and goes out as one batch. Every answer that created something is lost.
      h.sim.setFaults({ dropAfterCreate: true });
      const herd = ['blocker', ...users(20)];
      const first = h.provisioner.ensureAccount('blocker');
      await blocker.sent;
      const rest = herd.slice(1).map((user) => h.provisioner.ensureAccount(user));
      await lookedUp(h, herd.length);
      blocker.release();
      const lost = await Promise.allSettled([first, ...rest]);
      expect(lost.every((r) => r.status === 'rejected')).toBe(true);
      expect(h.batchCalls()).toBe(1);
      expect(h.sim.stats().accounts).toBe(21);
      expect(await h.rows()).toBe(0);
      h.sim.setFaults({});
      const again = await Promise.all(herd.map((user) => h.provisioner.ensureAccount(user)));
      expect(again.every((r) => r.outcome === 'repaired' && r.created)).toBe(true);
      expect(h.sim.stats().accounts).toBe(21);
      expect(await h.rows()).toBe(21);
    });

    it('repairs a lost batch answer within the same ensures when retries are allowed', async ({
      start,
    }) => {
      // The platform commits the first batch, then its answer is lost (the connection drops).
      let batches = 0;
      const blocker = holdFirstCreate();
      const h = await start({
        platform: { rateLimits: { accountCreatesPerMinute: 1 } },
        provisioner: { maxConcurrentCreations: 1 },
        wrapFetch: (next) =>
          blocker.wrapFetch(
            onBatch(async (request, next) => {
              const response = await next(request);
              if (++batches === 1) throw new TypeError('fetch failed');
              return response;
            })(next),
          ),
      });
      const first = h.provisioner.ensureAccount('blocker');
      await blocker.sent;
      const herd = users(20).map((user) => h.provisioner.ensureAccount(user));
      await lookedUp(h, 21);
      blocker.release();
      // The resend is answered 422 duplicate per item, each repaired through the scoped token.
      const results = await Promise.all(herd);
      expect((await first).outcome).toBe('created');
      expect(results.every((r) => r.outcome === 'repaired')).toBe(true);
      expect(h.batchCalls()).toBe(2);
      expect(h.sim.stats().accounts).toBe(21);
      expect(await h.rows()).toBe(21);
    });

    it('falls back to single creates when the platform has no /batch, and says so once', async ({
      start,
    }) => {
      // The first creates are held until the herd has lined up, so a full batch is tried.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const h = await start({
        wrapFetch: (next) => async (request) => {
          const { pathname } = new URL(request.url);
          if (pathname === '/v0/batch')
            return Response.json({ message: 'No such resource: POST /v0/batch.' }, { status: 404 });
          if (pathname === '/v0/accounts') await gate;
          return next(request);
        },
      });
      const herd = users(80);
      const ensures = Promise.all(herd.map((user) => h.provisioner.ensureAccount(user)));
      await lookedUp(h, herd.length);
      release();
      const results = await ensures;
      expect(results.every((r) => r.outcome === 'created')).toBe(true);
      expect(h.sim.stats().accounts).toBe(80);
      expect(h.createCalls()).toBe(80);
      expect(await h.rows()).toBe(80);
      const notices = h.logLines.filter((line) => line.includes('/v0/batch is not available'));
      expect(notices).toHaveLength(1);
      // Later herds do not ask for /batch again.
      await Promise.all(users(10, 'later').map((user) => h.provisioner.ensureAccount(user)));
      expect(h.logLines.filter((line) => line.includes('/v0/batch is not available'))).toHaveLength(
        1,
      );
    });

    it('two provisioners over one store racing for the same herd make one account per user', async ({
      start,
    }) => {
      const h = await start();
      const second = await h.secondProvisioner();
      const herd = users(200);
      const [a, b] = await Promise.all([
        Promise.all(herd.map((user) => h.provisioner.ensureAccount(user))),
        Promise.all(herd.map((user) => second.ensureAccount(user))),
      ]);
      expect(h.sim.stats().accounts).toBe(200);
      expect(await h.rows()).toBe(200);
      for (const [i] of herd.entries()) {
        expect(a[i]?.account.accountId).toBe(b[i]?.account.accountId);
        expect(Number(a[i]?.created) + Number(b[i]?.created)).toBe(1);
      }
    });
  });
});

async function systemToken(h: ProvisioningHarness): Promise<string> {
  const response = await h.sim.fetch(
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
  return ((await response.json()) as { access_token: string }).access_token;
}
