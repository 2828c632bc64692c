import { createPlatformSim } from '@knewton-kit/platform-sim';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { createCapturingLogger } from '../../test/support/createCapturingLogger.js';
import {
  createDeliveryHarness,
  simPlatform,
  ungradedEvent,
} from '../../test/support/deliveryHarness.js';
import {
  createTestStore,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import type { EventOutboxDatabase } from '../store/eventOutboxSchema.js';

warnIfPostgresSkipped('createEventDelivery');

describe.each(storeKinds)('the delivery loop starting on %s', (kind) => {
  it.skipIf(kind === 'postgres' && !testDatabaseUrl)(
    kind === 'pglite'
      ? 'drops a lease left by a killed process (a PGlite folder has one owner) and delivers at once'
      : "respects another process's live lease (it may still be delivering)",
    async () => {
      const sim = createPlatformSim();
      const server = await sim.listen({ port: 0 });
      const { store, dispose } = await createTestStore(kind, { dedicated: true });
      const h = await createDeliveryHarness(store, simPlatform(sim, { baseUrl: server.url }));
      const { provisioner, learning, outbox } = h;
      try {
        await provisioner.ensureAccount('ada');
        await outbox.accept('ada', [ungradedEvent()]);
        // The lease of the process that was delivering ada's events, an hour long.
        await store.db
          .withTables<EventOutboxDatabase>()
          .insertInto('knewton_event_leases')
          .values({
            app_user_id: 'ada',
            owner: 'process-before-the-kill',
            lease_until: sql<Date>`now() + interval '1 hour'`,
          })
          .execute();
        learning.delivery.start();
        if (kind === 'pglite') {
          await vi.waitFor(() => expect(sim.stats().events).toBe(1), {
            timeout: 10_000,
            interval: 20,
          });
        } else {
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect(sim.stats().events).toBe(0);
          expect(await outbox.pendingCount()).toBe(1);
        }
      } finally {
        await h.close();
        await dispose();
        await server.close();
      }
    },
    60_000,
  );
});

describe.each(storeKinds)('a failing learner on %s', (kind) => {
  it.skipIf(kind === 'postgres' && !testDatabaseUrl)(
    "backs off alone: one learner's refused registration does not hold up another learner's events",
    async () => {
      const sim = createPlatformSim();
      const { store, dispose } = await createTestStore(kind, { dedicated: true });
      let refusedAccount: string | undefined;
      let refusals = 0;
      // The platform refuses ada's registration for a rule of its own (her account's limit), as it
      // would for a learner registered elsewhere 500 times; everything else is the real simulator.
      const platform = simPlatform(sim, {
        async intercept(request, next) {
          if (request.method === 'POST' && request.url.endsWith('/v0/registrations')) {
            const body = (await request.clone().json()) as { account_id?: string };
            if (body.account_id === refusedAccount) {
              refusals++;
              return Response.json(
                { message: 'The account already has 500 registrations.' },
                { status: 422 },
              );
            }
          }
          return next(request);
        },
      });
      const h = await createDeliveryHarness(store, platform);
      const { provisioner, learning, outbox } = h;
      try {
        await provisioner.ensureAccount('ada');
        await provisioner.ensureAccount('bob');
        refusedAccount = (await store.findByAppUserId('ada'))?.accountId;
        // Ada's event is the oldest, so every pass meets her first.
        await outbox.accept('ada', [ungradedEvent()]);
        learning.delivery.start();
        await vi.waitFor(() => expect(refusals).toBeGreaterThan(0), {
          timeout: 10_000,
          interval: 10,
        });
        for (let round = 1; round <= 3; round++) {
          await outbox.accept('bob', [ungradedEvent()]);
          learning.delivery.nudge();
          await vi.waitFor(() => expect(sim.stats().events).toBe(round), {
            timeout: 10_000,
            interval: 10,
          });
        }
        // Ada's event waits (and will go out once she can be registered); nothing of hers was lost.
        // (The platform counts bob's last event before the outbox records it delivered: wait for that.)
        await vi.waitFor(async () => expect(await outbox.pendingCount()).toBe(1), {
          timeout: 10_000,
          interval: 10,
        });
        expect((await outbox.pendingOf('ada', 10)).length).toBe(1);
      } finally {
        await h.close();
        await dispose();
      }
    },
    60_000,
  );
});

describe.each(storeKinds)('the dedup window on %s', (kind) => {
  it.skipIf(kind === 'postgres' && !testDatabaseUrl)(
    'recognises a delivered id sent again within the window, and prunes delivered events after it',
    async () => {
      const sim = createPlatformSim();
      const { store, dispose } = await createTestStore(kind, { dedicated: true });
      const h = await createDeliveryHarness(store, simPlatform(sim), {
        eventDedupWindowMs: 1_500,
      });
      const { provisioner, learning, outbox } = h;
      const rows = async () =>
        (
          await store.db
            .withTables<EventOutboxDatabase>()
            .selectFrom('knewton_learning_events')
            .select('event_id')
            .execute()
        ).length;
      try {
        await provisioner.ensureAccount('ada');
        const event = ungradedEvent();
        await outbox.accept('ada', [event]);
        learning.delivery.start();
        await vi.waitFor(async () => expect(await outbox.pendingCount()).toBe(0), {
          timeout: 10_000,
          interval: 20,
        });
        // Within the window the same id (a browser retrying after a lost 202) is neither stored nor sent again.
        await outbox.accept('ada', [event]);
        learning.delivery.nudge();
        expect(await outbox.pendingCount()).toBe(0);
        expect(await rows()).toBe(1);
        // After the window the delivered row is gone: the outbox does not grow with what it delivered.
        await vi.waitFor(async () => expect(await rows()).toBe(0), {
          timeout: 10_000,
          interval: 50,
        });
        expect(sim.stats().events).toBe(1);
      } finally {
        await h.close();
        await dispose();
      }
    },
    60_000,
  );
});

describe('a platform outage', () => {
  it('costs one call per paused pass, and every event goes out once the platform is back', async () => {
    const sim = createPlatformSim();
    const { store, dispose } = await createTestStore('pglite', { dedicated: true });
    let down = true;
    const platform = simPlatform(sim, {
      intercept(request, next) {
        if (down && request.url.endsWith('/batch-events'))
          return Promise.resolve(new Response('{}', { status: 503 }));
        return next(request);
      },
    });
    const lines: string[] = [];
    const h = await createDeliveryHarness(
      store,
      platform,
      { deliveryIntervalMs: 20 },
      createCapturingLogger(lines),
    );
    const { provisioner, learning, outbox } = h;
    // More learners than the first pass reaches, so every paused pass has one who was not called yet
    // (a learner's own calls are at least 4.1 s apart).
    const learners = Array.from({ length: 40 }, (_, i) => `learner-${i}`);
    try {
      for (const learner of learners) {
        await provisioner.ensureAccount(learner);
        await outbox.accept(learner, [ungradedEvent()]);
      }
      learning.delivery.start();
      const messages = () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      const pauses = () => messages().filter((m) => m === 'learning event delivery paused').length;
      await vi.waitFor(() => expect(pauses()).toBeGreaterThanOrEqual(5), {
        timeout: 20_000,
        interval: 20,
      });
      // Failed calls between one pause and the next: the first pass sends several at once; each pass
      // after it, paused, one (it sent two back to back, a single probe failing not being taken as enough).
      const perPass: number[] = [0];
      for (const message of messages()) {
        if (message === 'learning event delivery paused') perPass.push(0);
        else if (message.startsWith("a learner's event delivery failed"))
          perPass[perPass.length - 1] = (perPass.at(-1) ?? 0) + 1;
      }
      expect(perPass[0]).toBeGreaterThanOrEqual(2);
      expect(perPass.slice(1, 5)).toEqual([1, 1, 1, 1]);
      down = false;
      await vi.waitFor(async () => expect(await outbox.pendingCount()).toBe(0), {
        timeout: 30_000,
        interval: 50,
      });
      expect(sim.stats().events).toBe(learners.length);
    } finally {
      await h.close();
      await dispose();
    }
  }, 90_000);
});

describe('delivery to many learners', () => {
  it('has several learners in flight at once, at most 16, each learner one call at a time', async () => {
    const sim = createPlatformSim();
    const { store, dispose } = await createTestStore('pglite', { dedicated: true });
    let inFlight = 0;
    let most = 0;
    const inFlightPerRegistration = new Map<string, number>();
    let mostPerRegistration = 0;
    // Each batch call takes 100 ms at the platform, long enough for overlapping calls to be seen.
    const platform = simPlatform(sim, {
      async intercept(request, next) {
        if (!request.url.endsWith('/batch-events')) return next(request);
        const registration = new URL(request.url).pathname.split('/')[3] as string;
        inFlight++;
        most = Math.max(most, inFlight);
        const mine = (inFlightPerRegistration.get(registration) ?? 0) + 1;
        inFlightPerRegistration.set(registration, mine);
        mostPerRegistration = Math.max(mostPerRegistration, mine);
        try {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return await next(request);
        } finally {
          inFlight--;
          inFlightPerRegistration.set(registration, mine - 1);
        }
      },
    });
    const h = await createDeliveryHarness(store, platform);
    const { provisioner, learning, outbox } = h;
    try {
      const learners = Array.from({ length: 40 }, (_, i) => `learner-${i}`);
      for (const learner of learners) {
        await provisioner.ensureAccount(learner);
        await outbox.accept(learner, [ungradedEvent()]);
      }
      learning.delivery.start();
      await vi.waitFor(async () => expect(await outbox.pendingCount()).toBe(0), {
        timeout: 30_000,
        interval: 50,
      });
      expect(sim.stats().events).toBe(40);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(16);
      expect(mostPerRegistration).toBe(1);
    } finally {
      await h.close();
      await dispose();
    }
  }, 60_000);
});

describe('one learner sending often', () => {
  it("spreads the learner's batch calls at least 4 s apart (15 a minute, evenly), every event delivered", async () => {
    const sim = createPlatformSim();
    const { store, dispose } = await createTestStore('pglite', { dedicated: true });
    const callTimes: number[] = [];
    const platform = simPlatform(sim, {
      intercept(request, next) {
        if (request.url.endsWith('/batch-events')) callTimes.push(Date.now());
        return next(request);
      },
    });
    const h = await createDeliveryHarness(store, platform);
    const { provisioner, learning, outbox } = h;
    try {
      await provisioner.ensureAccount('ada');
      learning.delivery.start();
      // An event every 250 ms for 5 s: 20 events, which the old burst spent as 15 calls at once.
      for (let i = 0; i < 20; i++) {
        await outbox.accept('ada', [ungradedEvent()]);
        learning.delivery.nudge();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await vi.waitFor(async () => expect(await outbox.pendingCount()).toBe(0), {
        timeout: 20_000,
        interval: 50,
      });
      expect(sim.stats().events).toBe(20);
      expect(callTimes.length).toBeGreaterThan(1);
      expect(callTimes.length).toBeLessThanOrEqual(3);
      for (let i = 1; i < callTimes.length; i++) {
        expect((callTimes[i] as number) - (callTimes[i - 1] as number)).toBeGreaterThanOrEqual(
          4_000,
        );
      }
    } finally {
      await h.close();
      await dispose();
    }
  }, 60_000);
});
