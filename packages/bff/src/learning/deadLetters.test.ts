import { describe, expect } from 'vitest';
import { deliveryTest, testGraph, ungradedEvent } from '../../test/support/deliveryHarness.js';
import {
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { listDeadLetterEvents, purgeDeadLetterEvents } from '../store/deadLetterEvents.js';

warnIfPostgresSkipped('deadLetters');

const timeout = 60_000;
const batchEvents = (request: Request) => request.url.endsWith('/batch-events');

/** An outbox row the simulator refuses with 422 (a module id of the wrong kind), as a rule the BFF cannot check would. */
function refusedEvent(): { eventId: string; payload: string } {
  return {
    eventId: 'refused-event',
    payload: JSON.stringify({
      type: 'ungraded',
      module_id: testGraph.id,
      interaction_end_time: '2026-12-01T09:00:00Z',
    }),
  };
}

describe.each(storeKinds)('dead letters on %s', (kind) => {
  deliveryTest.override({ storeKind: kind });
  const onStore = deliveryTest.skipIf(kind === 'postgres' && !testDatabaseUrl);

  onStore(
    'a batch refused for a bad field is split until the event at fault is alone: it alone is dead-lettered with the answer, its neighbours delivered, nothing resent',
    async ({ delivery: h }) => {
      await h.register('ada');
      const good = [ungradedEvent(), ungradedEvent(), ungradedEvent()];
      await h.outbox.accept('ada', [...good.slice(0, 2), refusedEvent(), ...good.slice(2)]);
      const sent: number[] = [];
      h.intercept = async (request, next) => {
        if (batchEvents(request)) {
          sent.push(((await request.clone().json()) as { events: unknown[] }).events.length);
        }
        return next(request);
      };
      h.learning.delivery.start();
      await h.clock.stepUntil(async () => (await h.outbox.pendingCount()) === 0, 120_000);
      expect(h.sim.stats().events).toBe(3);
      // 4 refused, [g, g] delivered, [bad, g] refused, [bad] refused alone, [g] delivered.
      expect(sent).toEqual([4, 2, 2, 1, 1]);
      const [dead, ...others] = await listDeadLetterEvents(h.store);
      expect(others).toEqual([]);
      expect(dead).toMatchObject({ appUserId: 'ada', eventId: 'refused-event', status: 422 });
      expect(dead?.answer).toMatch(/module_id/);
      expect(JSON.parse(dead?.payload ?? '{}')).toMatchObject({ module_id: testGraph.id });
      expect(dead?.refusedAt.getTime()).toBeGreaterThanOrEqual(dead?.acceptedAt.getTime() ?? 0);
      // Logged without the event or the answer: counts and the status only.
      const line = h.logged().find((message) => message.includes('dead letters'));
      expect(line).toBeDefined();
      // Never sent again, and the same id resent by a browser is recognised, not stored anew.
      expect(await h.outbox.accept('ada', [refusedEvent()])).toBe(0);
      await h.clock.stepUntil(() => false, 30_000).catch(() => {});
      expect(sent).toHaveLength(5);
      expect(await purgeDeadLetterEvents(h.store, { appUserId: 'ada' })).toBe(1);
      expect(await listDeadLetterEvents(h.store)).toEqual([]);
    },
    timeout,
  );

  onStore(
    "a registration the platform no longer knows (404) dead-letters the learner's batch in one call; another learner is delivered",
    async ({ delivery: h }) => {
      await h.acceptOneEventEach(['ada', 'bob']);
      await h.outbox.accept('ada', [ungradedEvent()]);
      const adaRegistration = async () =>
        h.learning.registrar.registrationId(
          (await h.store.findByAppUserId('ada')) as NonNullable<
            Awaited<ReturnType<typeof h.store.findByAppUserId>>
          >,
        );
      const refusedPath = `/registrations/${await adaRegistration()}/batch-events`;
      let refusals = 0;
      h.intercept = (request, next) => {
        if (request.url.endsWith(refusedPath)) {
          refusals++;
          return Promise.resolve(
            Response.json({ message: 'Registration not found.' }, { status: 404 }),
          );
        }
        return next(request);
      };
      h.learning.delivery.start();
      await h.clock.stepUntil(async () => (await h.outbox.pendingCount()) === 0, 60_000);
      expect(refusals).toBe(1);
      expect(h.sim.stats().events).toBe(1);
      const dead = await listDeadLetterEvents(h.store, { appUserId: 'ada' });
      expect(dead.map((row) => row.status)).toEqual([404, 404]);
      expect(dead[0]?.answer).toContain('Registration not found.');
      expect(await listDeadLetterEvents(h.store, { appUserId: 'bob' })).toEqual([]);
      expect(await purgeDeadLetterEvents(h.store, { refusedBefore: new Date(0) })).toBe(0);
      expect(await purgeDeadLetterEvents(h.store)).toBe(2);
    },
    timeout,
  );
});
