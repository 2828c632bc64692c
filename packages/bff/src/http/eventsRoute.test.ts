import { randomUUID } from 'node:crypto';
import { seededGraphs } from '@knewton-kit/platform-sim';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';
import {
  type storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import type { KnewtonBffLimits } from '../KnewtonBffOptions.js';
import type { KnewtonLearningOptions } from '../learning/KnewtonLearningOptions.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';
import type { EventOutboxDatabase } from '../store/eventOutboxSchema.js';

const graph = seededGraphs[0] as (typeof seededGraphs)[number];
const modules = graph.moduleIds;
const at = '2026-12-01T09:00:00Z';

warnIfPostgresSkipped('eventsRoute');

let harness: BffHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function eventsHarness(
  options: {
    kind?: (typeof storeKinds)[number];
    learning?: Partial<KnewtonLearningOptions>;
    limits?: KnewtonBffLimits;
  } = {},
) {
  const created = await createBffHarness({
    store: options.kind ?? 'pglite',
    bff: {
      learning: { graphId: graph.id, deliveryIntervalMs: 20, ...options.learning },
      ...(options.limits ? { limits: options.limits } : {}),
    },
  });
  harness = created;
  const db = created.testStore.store.db.withTables<EventOutboxDatabase>();
  return {
    ...created,
    post: (user: string | undefined, body: unknown, init: RequestInit = {}) =>
      created.request('/api/knewton/events', {
        method: 'POST',
        ...(user === undefined ? {} : { user }),
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        ...init,
      }),
    ensure: async (user: string) => {
      const answer = await created.request('/api/knewton/account', { method: 'PUT', user });
      expect([200, 201]).toContain(answer.status);
    },
    storedEvents: () =>
      db.selectFrom('knewton_learning_events').selectAll().orderBy('seq').execute(),
    /** Events the platform accepted so far. */
    delivered: () => created.sim.stats().events,
    outbox: createEventOutboxQueries(created.testStore.store),
  };
}

function graded(moduleId: string, isCorrect: boolean, id = randomUUID()) {
  return { id, type: 'graded', moduleId, interactionEndTime: at, isCorrect };
}

describe('POST /api/knewton/events', () => {
  it(
    'refuses every kind of bad input with 400 (nothing stored), and answers 401 / 404 / 403 / 415',
    async () => {
      const h = await eventsHarness();
      await h.ensure('ada');
      const ok = graded(modules[0] as string, true);
      const invalid: [unknown, RegExp][] = [
        [{}, /events must be an array/],
        [{ events: [] }, /1 to 100/],
        [{ events: Array.from({ length: 100 }, () => ({ ...ok, id: 'x' })) }, /events\[0\]\.id/],
        [
          { events: Array.from({ length: 101 }, () => graded(modules[0] as string, true)) },
          /1 to 100/,
        ],
        [{ events: [ok], userId: 'grace' }, /Unknown field "userId"/],
        [{ events: [{ ...ok, id: 'not-a-uuid' }] }, /events\[0\]\.id must be a UUID/],
        [{ events: [ok, { ...ok, id: randomUUID(), type: 'viewed' }] }, /events\[1\]\.type/],
        [{ events: [{ ...ok, moduleId: 'lesson-3' }] }, /events\[0\]\.moduleId/],
        [{ events: [{ ...ok, interactionEndTime: '01/12/2026' }] }, /interactionEndTime/],
        [{ events: [{ ...ok, isCorrect: undefined }] }, /isCorrect is required/],
        [{ events: [{ ...ok, type: 'ungraded' }] }, /isCorrect is only for graded/],
        [{ events: [{ ...ok, durationMs: -5 }] }, /durationMs/],
        [{ events: [{ ...ok, isComplete: 'yes' }] }, /isComplete/],
        [{ events: [{ ...ok, accountId: 'x' }] }, /unknown field "accountId"/],
        [{ events: [ok, 'event'] }, /events\[1\] must be an object/],
        [[ok], /must be an object/],
      ];
      for (const [body, message] of invalid) {
        const answer = await h.post('ada', body);
        expect(answer.status, JSON.stringify(body).slice(0, 120)).toBe(400);
        const { error } = await answer.json();
        expect(error).toMatchObject({ code: 'bad_request', retryable: false });
        expect(error.message).toMatch(message);
      }
      expect((await h.post('ada', '{"events": [')).status).toBe(400);
      expect(
        (await h.post('ada', { events: [ok] }, { headers: { 'content-type': 'text/plain' } }))
          .status,
      ).toBe(415);
      expect((await h.post(undefined, { events: [ok] })).status).toBe(401);
      const noAccount = await h.post('grace', { events: [ok] });
      expect(noAccount.status).toBe(404);
      expect((await noAccount.json()).error.code).toBe('account_not_found');
      const csrf = await h.request('/api/knewton/events', {
        method: 'POST',
        user: 'ada',
        csrf: false,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: [ok] }),
      });
      expect(csrf.status).toBe(403);
      expect(await h.storedEvents()).toEqual([]);
      expect(h.sim.stats().accounts).toBe(1);
    },
    harnessTimeoutMs,
  );

  it(
    'answers 202 {accepted} once stored, delivers each event once, and accepts a resend without storing it twice',
    async () => {
      const h = await eventsHarness();
      await h.ensure('ada');
      const events = [graded(modules[0] as string, true), graded(modules[0] as string, false)];
      const answer = await h.post('ada', { events });
      expect(answer.status).toBe(202);
      expect(await answer.json()).toEqual({ accepted: 2 });
      expect((await h.storedEvents()).map((row) => row.event_id)).toEqual(events.map((e) => e.id));
      // A resend (say, after the answer was lost) with one new event: all accepted, none stored twice.
      const extra = graded(modules[0] as string, true);
      const again = await h.post('ada', { events: [...events, extra] });
      expect(await again.json()).toEqual({ accepted: 3 });
      expect(await h.storedEvents()).toHaveLength(3);
      await vi.waitFor(() => expect(h.delivered()).toBe(3), { timeout: 10_000, interval: 20 });
      // Once delivered, the same ids are still recognised: accepted, not stored, so nothing to send again.
      expect((await h.post('ada', { events: [extra] })).status).toBe(202);
      expect(await h.storedEvents()).toHaveLength(3);
      expect(await h.outbox.pendingCount()).toBe(0);
      expect(h.delivered()).toBe(3);
    },
    harnessTimeoutMs,
  );

  it(
    'moves the recommendation once delivered events master a module',
    async () => {
      const h = await eventsHarness();
      await h.ensure('ada');
      const before = await (await h.request('/api/knewton/recommendation', { user: 'ada' })).json();
      expect(before.moduleIds[0]).toBe(modules[0]);
      await h.post('ada', {
        events: [graded(modules[0] as string, true), graded(modules[0] as string, true)],
      });
      await vi.waitFor(() => expect(h.delivered()).toBe(2), { timeout: 10_000, interval: 20 });
      const after = await (await h.request('/api/knewton/recommendation', { user: 'ada' })).json();
      expect(after.moduleIds[0]).toBe(modules[1]);
    },
    harnessTimeoutMs,
  );

  it(
    'keeps accepted events through an outage and delivers them in order afterwards, with few calls',
    async () => {
      const h = await eventsHarness();
      await h.ensure('ada');
      expect((await h.request('/api/knewton/recommendation', { user: 'ada' })).status).toBe(200);
      h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      // Correct, wrong, correct (three requests): in this order the module is not mastered; delivered
      // out of order (correct, correct, wrong) it would be.
      for (const isCorrect of [true, false, true]) {
        expect(
          (await h.post('ada', { events: [graded(modules[0] as string, isCorrect)] })).status,
        ).toBe(202);
      }
      const batchCalls = () => h.calls('POST /v0/registrations/{id}/batch-events');
      await vi.waitFor(() => expect(batchCalls()).toBe(1), { timeout: 10_000, interval: 20 });
      expect(h.delivered()).toBe(0);
      expect(await h.outbox.pendingCount()).toBe(3);
      h.sim.setFaults({});
      await vi.waitFor(() => expect(h.delivered()).toBe(3), { timeout: 10_000, interval: 20 });
      // Not a call per pass: the failed one, then (ada's next slot, 4.1 s on) one with all three.
      expect(batchCalls()).toBe(2);
      const after = await (await h.request('/api/knewton/recommendation', { user: 'ada' })).json();
      expect(after.moduleIds[0]).toBe(modules[0]);
    },
    harnessTimeoutMs,
  );

  it(
    'is bounded: a full outbox answers 503 with Retry-After and stores nothing of the request',
    async () => {
      const h = await eventsHarness({
        learning: { maxPendingEvents: 3, maxPendingEventsPerLearner: 2 },
      });
      await h.ensure('ada');
      await h.ensure('bob');
      h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      const two = [1, 2].map(() => graded(modules[0] as string, true));
      expect((await h.post('ada', { events: two })).status).toBe(202);
      expect((await h.post('bob', { events: [graded(modules[0] as string, true)] })).status).toBe(
        202,
      );
      // Bob is within his own share; the outbox as a whole is full.
      const full = await h.post('bob', { events: [graded(modules[1] as string, true)] });
      expect(full.status).toBe(503);
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await full.json()).error.code).toBe('knewton_unavailable');
      expect(await h.storedEvents()).toHaveLength(3);
    },
    harnessTimeoutMs,
  );

  it(
    "gives each learner a share of the outbox: past it, 429 with Retry-After to that learner alone, nothing stored; others' events are accepted",
    async () => {
      const h = await eventsHarness({
        learning: { maxPendingEvents: 100, maxPendingEventsPerLearner: 5 },
      });
      await h.ensure('flooder');
      await h.ensure('bob');
      // Nothing is delivered meanwhile, so the flooder's backlog stays.
      h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      const four = [1, 2, 3, 4].map(() => graded(modules[0] as string, true));
      expect((await h.post('flooder', { events: four })).status).toBe(202);
      const over = await h.post('flooder', {
        events: [1, 2].map(() => graded(modules[0] as string, true)),
      });
      expect(over.status).toBe(429);
      expect((await over.json()).error).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await h.storedEvents()).toHaveLength(4);
      // One more fits the share exactly; another learner is not affected at all.
      expect(
        (await h.post('flooder', { events: [graded(modules[0] as string, true)] })).status,
      ).toBe(202);
      const bobs = [1, 2, 3, 4, 5].map(() => graded(modules[0] as string, true));
      expect((await h.post('bob', { events: bobs })).status).toBe(202);
      // Once the flooder's backlog is delivered, their share is free again.
      h.sim.setFaults({});
      await vi.waitFor(async () => expect(await h.outbox.pendingCountOf('flooder', 10)).toBe(0), {
        timeout: 20_000,
        interval: 50,
      });
      expect((await h.post('flooder', { events: four })).status).toBe(202);
    },
    harnessTimeoutMs,
  );

  it(
    "limits each learner's event requests with a budget of its own route: 429 to that learner, not to their account requests nor to others",
    async () => {
      const h = await eventsHarness({
        limits: { rateLimit: { events: { requests: 2, windowMs: 60_000 } } },
      });
      await h.ensure('ada');
      await h.ensure('bob');
      for (let i = 0; i < 2; i++) {
        expect((await h.post('ada', { events: [graded(modules[0] as string, true)] })).status).toBe(
          202,
        );
      }
      const limited = await h.post('ada', { events: [graded(modules[0] as string, true)] });
      expect(limited.status).toBe(429);
      expect((await limited.json()).error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await h.storedEvents()).toHaveLength(2);
      expect((await h.post('bob', { events: [graded(modules[0] as string, true)] })).status).toBe(
        202,
      );
      const account = await h.request('/api/knewton/account', { method: 'PUT', user: 'ada' });
      expect(account.status).toBe(200);
    },
    harnessTimeoutMs,
  );

  it(
    "refuses an event for a module outside the app's graph with 400 when the module ids are known, storing nothing of the request",
    async () => {
      const h = await eventsHarness({ learning: { moduleIds: modules } });
      await h.ensure('ada');
      const unknown = await h.post('ada', {
        events: [graded(modules[0] as string, true), graded('mref-not-in-this-graph', true)],
      });
      expect(unknown.status).toBe(400);
      const { error } = await unknown.json();
      expect(error).toMatchObject({ code: 'bad_request', retryable: false });
      expect(error.message).toMatch(/events\[1\]\.moduleId/);
      expect(await h.storedEvents()).toHaveLength(0);
      expect((await h.post('ada', { events: [graded(modules[1] as string, true)] })).status).toBe(
        202,
      );
    },
    harnessTimeoutMs,
  );

  // PostgreSQL only: a PGlite folder has one owner (its folder lock), so no other live process can hold a
  // lease there, and the delivery drops every lease it finds at start-up (a dead owner's; tested in
  // learning/createEventDelivery.test.ts), which would race the lease this test plants.
  describe.each(['postgres'] as const)('outbox leases on %s', (kind) => {
    it.skipIf(!testDatabaseUrl)(
      "give a learner to one owner at a time and hand a dead owner's expired lease over",
      async () => {
        const h = await eventsHarness({ kind });
        await h.ensure('ada');
        await h.ensure('bob');
        const leases = h.testStore.store.db.withTables<EventOutboxDatabase>();
        // Another (live) process holds ada's lease: nothing is delivered while it lasts.
        const { sql } = await import('kysely');
        await leases
          .insertInto('knewton_event_leases')
          .values({
            app_user_id: 'ada',
            owner: 'other-process',
            lease_until: sql<Date>`now() + interval '1 hour'`,
          })
          .execute();
        expect(await h.outbox.claimLearner('ada', 'me', 30_000)).toBe(false);
        expect((await h.post('ada', { events: [graded(modules[0] as string, true)] })).status).toBe(
          202,
        );
        // Bob's event, accepted after ada's, goes out: delivery ran past ada and left her alone.
        expect((await h.post('bob', { events: [graded(modules[0] as string, true)] })).status).toBe(
          202,
        );
        await vi.waitFor(() => expect(h.delivered()).toBe(1), { timeout: 10_000, interval: 20 });
        expect((await h.outbox.pendingOf('ada', 10)).length).toBe(1);
        // It dies: its lease runs out, and this process takes the learner over and delivers.
        await leases
          .updateTable('knewton_event_leases')
          .set({ lease_until: sql<Date>`now() - interval '1 second'` })
          .execute();
        await vi.waitFor(async () => expect(await h.outbox.pendingCount()).toBe(0), {
          timeout: 10_000,
          interval: 20,
        });
        expect(h.delivered()).toBe(2);
      },
      harnessTimeoutMs,
    );
  });
});
