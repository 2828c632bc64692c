import { randomUUID } from 'node:crypto';
import { parseAccountResponse, parseErrorBody } from '@knewton-kit/contract';
import { seededGraphs } from '@knewton-kit/platform-sim';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';
import {
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import type { EventOutboxDatabase } from '../store/eventOutboxSchema.js';

const graph = seededGraphs[0] as (typeof seededGraphs)[number];
const firstModule = graph.moduleIds[0] as string;

warnIfPostgresSkipped('optOutRoutes');

let harness: BffHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function optOutHarness(kind: (typeof storeKinds)[number]) {
  const h = await createBffHarness({
    store: kind,
    bff: { learning: { graphId: graph.id, deliveryIntervalMs: 20 } },
  });
  harness = h;
  const events = h.testStore.store.db.withTables<EventOutboxDatabase>();
  return {
    ...h,
    put: (user: string) => h.request('/api/knewton/account', { method: 'PUT', user }),
    get: (user: string) => h.request('/api/knewton/account', { user }),
    recommendation: (user: string) => h.request('/api/knewton/recommendation', { user }),
    postEvent: (user: string) =>
      h.request('/api/knewton/events', {
        method: 'POST',
        user,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            {
              id: randomUUID(),
              type: 'graded',
              moduleId: firstModule,
              interactionEndTime: '2026-12-05T09:00:00Z',
              isCorrect: true,
            },
          ],
        }),
      }),
    storedEvents: (user: string) =>
      events
        .selectFrom('knewton_learning_events')
        .select(['event_id', 'delivered_at'])
        .where('app_user_id', '=', user)
        .execute(),
  };
}

/** The answer every route gives an opted-out learner: 403, not retryable, the contract's shape. */
async function expectOptedOut(answer: Response): Promise<void> {
  expect(answer.status).toBe(403);
  expect(answer.headers.get('retry-after')).toBeNull();
  const body = parseErrorBody(await answer.json());
  expect(body?.error).toMatchObject({ code: 'knewton_opted_out', retryable: false });
  expect(body?.error.requestId).toEqual(expect.any(String));
}

describe.each(storeKinds)('an opted-out learner on %s', (kind) => {
  const enabled = kind === 'pglite' || testDatabaseUrl !== undefined;

  it.skipIf(!enabled)(
    'gets 403 knewton_opted_out from every route, and nothing is created or sent; opting back in provisions',
    async () => {
      const h = await optOutHarness(kind);
      expect(await h.bff.isOptedOut('ada')).toBe(false);
      expect(await h.bff.optOut('ada')).toEqual({ changed: true, removedEvents: 0 });
      expect(await h.bff.isOptedOut('ada')).toBe(true);
      // Repeating it changes nothing.
      expect(await h.bff.optOut('ada')).toEqual({ changed: false, removedEvents: 0 });

      await expectOptedOut(await h.put('ada'));
      await expectOptedOut(await h.put('ada'));
      await expectOptedOut(await h.get('ada'));
      await expectOptedOut(await h.recommendation('ada'));
      await expectOptedOut(await h.postEvent('ada'));
      expect(h.calls('POST /v0/accounts')).toBe(0);
      expect(h.calls('POST /v0/batch')).toBe(0);
      expect(h.sim.stats().accounts).toBe(0);
      expect(await h.rows()).toBe(0);
      expect(await h.storedEvents('ada')).toEqual([]);

      // Another learner is untouched.
      expect((await h.put('grace')).status).toBe(201);

      expect(await h.bff.optIn('ada')).toEqual({ changed: true, removedEvents: 0 });
      expect(await h.bff.isOptedOut('ada')).toBe(false);
      expect((await h.put('ada')).status).toBe(201);
      expect(h.calls('POST /v0/accounts')).toBe(2);
      expect((await h.postEvent('ada')).status).toBe(202);
    },
    harnessTimeoutMs,
  );

  it.skipIf(!enabled)(
    'keeps an existing account unused, removes undelivered events, and answers the same account after opting back in',
    async () => {
      const h = await optOutHarness(kind);
      const created = await h.put('ada');
      expect(created.status).toBe(201);
      const account = parseAccountResponse(await created.json());
      // The platform is down: accepted events stay undelivered in the outbox.
      h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      expect((await h.postEvent('ada')).status).toBe(202);
      expect((await h.postEvent('ada')).status).toBe(202);
      expect(await h.storedEvents('ada')).toHaveLength(2);

      expect(await h.bff.optOut('ada')).toEqual({ changed: true, removedEvents: 2 });
      expect(await h.storedEvents('ada')).toEqual([]);
      // The warm path (the account was in memory) refuses too.
      await expectOptedOut(await h.put('ada'));
      await expectOptedOut(await h.get('ada'));
      await expectOptedOut(await h.postEvent('ada'));
      await expectOptedOut(await h.recommendation('ada'));
      expect(await h.storedEvents('ada')).toEqual([]);

      // The outage ends. Another learner's event is delivered; the opted-out learner's older ones, sent
      // first if they were still there, are not, and no recommendation is asked for them.
      h.sim.setFaults({});
      const recommendationCalls = () => h.calls('GET /v0/registrations/{id}/recommendation');
      const recommendationsBefore = recommendationCalls();
      await expectOptedOut(await h.recommendation('ada'));
      expect(recommendationCalls()).toBe(recommendationsBefore);
      expect((await h.put('grace')).status).toBe(201);
      expect((await h.postEvent('grace')).status).toBe(202);
      await vi.waitFor(() => expect(h.sim.stats().events).toBeGreaterThan(0), { timeout: 20_000 });
      expect(h.sim.stats().events).toBe(1);
      expect((await h.recommendation('grace')).status).toBe(200);
      expect(recommendationCalls()).toBe(recommendationsBefore + 1);
      // The platform account is kept (erasure is a separate operation).
      expect(h.sim.stats().accounts).toBe(2);
      expect(await h.rows()).toBe(2);

      await h.bff.optIn('ada');
      const again = await h.put('ada');
      expect(again.status).toBe(200);
      expect(parseAccountResponse(await again.json())).toEqual(account);
      expect(h.calls('POST /v0/accounts')).toBe(2);
    },
    harnessTimeoutMs,
  );
});
