import { sql } from 'kysely';
import { describe, expect, vi } from 'vitest';
import { deliveryTest, ungradedEvent } from '../../test/support/deliveryHarness.js';
import {
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import type { EventOutboxDatabase } from '../store/eventOutboxSchema.js';
import { batchSpacingMs } from './LearnerCallWindows.js';

warnIfPostgresSkipped('createEventDelivery');

/** Generous: a store of its own on a loaded 2-core machine takes seconds; the tests' own time is less. */
const timeout = 60_000;
const batchEvents = (request: Request) => request.url.endsWith('/batch-events');

describe.each(storeKinds)('the delivery loop on %s', (kind) => {
  deliveryTest.override({ storeKind: kind });
  const onStore = deliveryTest.skipIf(kind === 'postgres' && !testDatabaseUrl);

  onStore(
    kind === 'pglite'
      ? 'drops a lease left by a killed process (a PGlite folder has one owner) and delivers in its first pass'
      : 'skips a learner another live process holds, delivers the others, and takes the learner once that lease runs out',
    async ({ delivery: h }) => {
      await h.acceptOneEventEach(['ada', 'bob']);
      const leases = h.store.db.withTables<EventOutboxDatabase>();
      // The lease of the process that was delivering ada's events, an hour long.
      await leases
        .insertInto('knewton_event_leases')
        .values({
          app_user_id: 'ada',
          owner: 'another-process',
          lease_until: sql<Date>`now() + interval '1 hour'`,
        })
        .execute();
      h.learning.delivery.start();
      await h.clock.nextStep();
      if (kind === 'pglite') {
        expect(h.sim.stats().events).toBe(2);
        expect(await h.outbox.pendingCount()).toBe(0);
        return;
      }
      // Ada's event is the oldest, so this pass tried her first: only bob's went out.
      expect(h.sim.stats().events).toBe(1);
      expect((await h.outbox.pendingOf('ada', 10)).length).toBe(1);
      // The other process dies: its lease runs out and the next pass takes ada over.
      await leases
        .updateTable('knewton_event_leases')
        .set({ lease_until: sql<Date>`now() - interval '1 second'` })
        .execute();
      await h.clock.nextStep();
      expect(h.sim.stats().events).toBe(2);
      expect(await h.outbox.pendingCount()).toBe(0);
    },
    timeout,
  );

  onStore(
    "backs a failing learner off alone: one learner's refused registration does not hold up another's events",
    async ({ delivery: h }) => {
      await h.provisioner.ensureAccount('ada');
      await h.register('bob');
      const refusedAccount = (await h.store.findByAppUserId('ada'))?.accountId;
      let refusals = 0;
      // The platform refuses ada's registration for a rule of its own (her account's limit), as it
      // would for a learner registered elsewhere 500 times; everything else is the real simulator.
      h.intercept = async (request, next) => {
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
      };
      // Ada's event is the oldest, so every pass meets her first.
      await h.outbox.accept('ada', [ungradedEvent()]);
      h.learning.delivery.start();
      // Her registration runs beside the passes, not in them (in real time): the first pass starts it,
      // it is refused once, then she backs off.
      await h.clock.nextStep();
      await vi.waitFor(() => expect(refusals).toBe(1), { timeout: 10_000, interval: 10 });
      for (let round = 1; round <= 3; round++) {
        await h.outbox.accept('bob', [ungradedEvent()]);
        h.learning.delivery.nudge();
        await h.clock.stepUntil(() => h.sim.stats().events === round, 10_000);
      }
      // Ada was asked for again, less and less often; her event waits, nothing of hers was lost.
      expect(refusals).toBeGreaterThan(1);
      expect(refusals).toBeLessThan(12);
      expect(await h.outbox.pendingCount()).toBe(1);
      expect((await h.outbox.pendingOf('ada', 10)).length).toBe(1);
    },
    timeout,
  );

  onStore(
    'recognises a delivered id sent again, and prunes delivered events once past the dedup window, once a minute',
    async ({ delivery: h }) => {
      const db = h.store.db.withTables<EventOutboxDatabase>();
      const rows = async () =>
        (await db.selectFrom('knewton_learning_events').select('event_id').execute()).map(
          (row) => row.event_id,
        );
      await h.register('ada');
      const old = ungradedEvent();
      const recent = ungradedEvent();
      await h.outbox.accept('ada', [old, recent]);
      h.learning.delivery.start();
      await h.clock.nextStep();
      expect(h.sim.stats().events).toBe(2);
      // The same id again (a browser retrying after a lost 202) is neither stored nor sent again.
      expect(await h.outbox.accept('ada', [old])).toBe(0);
      expect(await h.outbox.pendingCount()).toBe(0);
      // One was delivered a day and an hour ago (database time), past the 24 h window.
      await db
        .updateTable('knewton_learning_events')
        .set({ delivered_at: sql<Date>`now() - interval '25 hours'` })
        .where('event_id', '=', old.eventId)
        .execute();
      await h.clock.advance(30_000);
      expect((await rows()).sort()).toEqual([old.eventId, recent.eventId].sort());
      await h.clock.advance(31_000);
      expect(await rows()).toEqual([recent.eventId]);
      expect(h.sim.stats().events).toBe(2);
    },
    timeout,
  );
});

describe('a platform outage', () => {
  deliveryTest(
    'costs one call per paused pass, and every event goes out once the platform is back',
    async ({ delivery: h }) => {
      // More learners than the first pass reaches, so every paused pass has one who was not called yet.
      const learners = Array.from({ length: 40 }, (_, i) => `learner-${i}`);
      await h.acceptOneEventEach(learners);
      h.intercept = (request, next) =>
        batchEvents(request) ? Promise.resolve(new Response('{}', { status: 503 })) : next(request);
      h.learning.delivery.start();
      const pauses = () => h.logged().filter((m) => m === 'learning event delivery paused').length;
      await h.clock.stepUntil(() => pauses() >= 5, 600_000);
      // Failed calls between one pause and the next: the first pass sends several at once, each paused
      // pass after it one (a single failed probe is enough to stay paused).
      const perPass: number[] = [0];
      for (const message of h.logged()) {
        if (message === 'learning event delivery paused') perPass.push(0);
        else if (message.startsWith("a learner's event delivery failed"))
          perPass[perPass.length - 1] = (perPass.at(-1) ?? 0) + 1;
      }
      expect(perPass[0]).toBeGreaterThanOrEqual(2);
      expect(perPass.slice(1, 5)).toEqual([1, 1, 1, 1]);
      h.intercept = undefined;
      await h.clock.stepUntil(async () => (await h.outbox.pendingCount()) === 0, 600_000);
      expect(h.sim.stats().events).toBe(learners.length);
    },
    timeout,
  );
});

describe('delivery to many learners', () => {
  deliveryTest(
    'has several learners in flight at once, at most 32, each learner one call at a time',
    async ({ delivery: h }) => {
      let inFlight = 0;
      let most = 0;
      const inFlightPerRegistration = new Map<string, number>();
      let mostPerRegistration = 0;
      await h.acceptOneEventEach(Array.from({ length: 40 }, (_, i) => `learner-${i}`));
      // Each batch call takes 50 ms (real time) at the platform, long enough for overlapping calls to be seen.
      h.intercept = async (request, next) => {
        if (!batchEvents(request)) return next(request);
        const registration = new URL(request.url).pathname.split('/')[3] as string;
        inFlight++;
        most = Math.max(most, inFlight);
        const mine = (inFlightPerRegistration.get(registration) ?? 0) + 1;
        inFlightPerRegistration.set(registration, mine);
        mostPerRegistration = Math.max(mostPerRegistration, mine);
        try {
          await new Promise((resolve) => setTimeout(resolve, 50));
          return await next(request);
        } finally {
          inFlight--;
          inFlightPerRegistration.set(registration, mine - 1);
        }
      };
      h.learning.delivery.start();
      await h.clock.stepUntil(async () => (await h.outbox.pendingCount()) === 0, 60_000);
      expect(h.sim.stats().events).toBe(40);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(32);
      expect(mostPerRegistration).toBe(1);
    },
    timeout,
  );
});

describe('one learner sending often', () => {
  deliveryTest(
    "spreads the learner's batch calls 4.1 s apart, each sent within a pass interval of its slot",
    async ({ delivery: h }) => {
      const callTimes: number[] = [];
      h.intercept = (request, next) => {
        if (batchEvents(request)) callTimes.push(h.clock.now());
        return next(request);
      };
      await h.register('ada');
      h.learning.delivery.start();
      // An event every 250 ms for 5 s: 20 events, which would be 15 calls at once without the spacing.
      for (let i = 0; i < 20; i++) {
        await h.outbox.accept('ada', [ungradedEvent()]);
        h.learning.delivery.nudge();
        await h.clock.advance(250);
      }
      await h.clock.stepUntil(async () => (await h.outbox.pendingCount()) === 0, 20_000);
      expect(h.sim.stats().events).toBe(20);
      expect(callTimes.length).toBe(3);
      const intervalMs = h.learning.options.deliveryIntervalMs;
      for (let i = 1; i < callTimes.length; i++) {
        const gap = (callTimes[i] as number) - (callTimes[i - 1] as number);
        expect(gap).toBeGreaterThanOrEqual(batchSpacingMs);
        expect(gap).toBeLessThanOrEqual(batchSpacingMs + intervalMs + 10);
      }
    },
    timeout,
  );
});

describe('a first registration', () => {
  deliveryTest(
    "runs beside the passes: a learner waiting for theirs does not hold up another's events",
    async ({ delivery: h }) => {
      await h.provisioner.ensureAccount('ada');
      await h.register('bob');
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      // Ada's registration hangs at the platform until released, as one queued behind the platform's
      // 375 registrations a minute would wait.
      h.intercept = async (request, next) => {
        if (request.method === 'POST' && request.url.endsWith('/v0/registrations')) await held;
        return next(request);
      };
      await h.outbox.accept('ada', [ungradedEvent()]);
      h.learning.delivery.start();
      for (let round = 1; round <= 3; round++) {
        await h.outbox.accept('bob', [ungradedEvent()]);
        h.learning.delivery.nudge();
        await h.clock.stepUntil(() => h.sim.stats().events === round, 20_000);
      }
      expect((await h.outbox.pendingOf('ada', 10)).length).toBe(1);
      release();
      await h.clock.stepUntil(async () => (await h.outbox.pendingCount()) === 0, 20_000);
      expect(h.sim.stats().events).toBe(4);
    },
    timeout,
  );
});
