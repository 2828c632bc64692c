import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { createPlatformSim } from '@knewton-kit/platform-sim';
import { describe, expect, it, vi } from 'vitest';
import { testGraph as graph, simPlatform } from '../../test/support/deliveryHarness.js';
import { testPseudonymKey } from '../../test/support/provisioningHarness.js';
import {
  createTestStore,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import { silentLogger } from '../logger.js';
import { createLearningCalls } from '../platform/createLearningCalls.js';
import { createAccountProvisioner } from '../provisioning/createAccountProvisioner.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';
import { createEventDelivery } from './createEventDelivery.js';
import { createRegistrar } from './createRegistrar.js';

warnIfPostgresSkipped('leaseOutlastsCall');

// Issue 13's unexplained duplicates: a batch call slower than the sender's lease. The lease ran out while
// the call was still on its way, another process took the learner over and sent the same events, and
// then the first call arrived too: two copies, no crash. PostgreSQL only, as there several processes share
// one outbox (a PGlite folder has one owner, which drops every lease at start-up).
describe.skipIf(!testDatabaseUrl)(
  'two delivery loops on one PostgreSQL, platform slower than the lease',
  () => {
    it('never sends a batch under a lease that can run out first: each event reaches the platform once', async () => {
      const sim = createPlatformSim();
      const { store, dispose } = await createTestStore('postgres', { dedicated: true });
      // Each batch-events request spends `slowMs` on its way to the platform (a slow network or a loaded
      // platform); a request its client has given up on by then never arrives.
      let slowMs = 1_500;
      const platform = simPlatform(sim, {
        async intercept(request, next) {
          if (request.url.endsWith('/batch-events') && slowMs > 0) {
            // A request its client gave up on never arrives: the wait ends with the client's abort.
            await setTimeout(slowMs, undefined, { signal: request.signal });
          }
          return next(request);
        },
      });
      const provisioner = await createAccountProvisioner({
        platform,
        store,
        externalIds: { key: testPseudonymKey },
        closeStore: false,
      });
      // Two processes' loops: their own calls, registrar and lease owner, one store. A 1 s lease, so the
      // 1.5 s call outlasts it (as a 5 s platform timeout could outlast a lease under a stalled process).
      const loops = [0, 1].map(() => {
        const calls = createLearningCalls({ ...platform, logger: silentLogger });
        const registrar = createRegistrar({
          store,
          calls,
          graphId: graph.id,
          learningInstanceName: 'lease test',
          logger: silentLogger,
        });
        return createEventDelivery({
          store,
          calls,
          registrar,
          logger: silentLogger,
          intervalMs: 20,
          leaseMs: 1_000,
        });
      });
      try {
        await provisioner.ensureAccount('ada');
        const outbox = createEventOutboxQueries(store);
        await outbox.accept(
          'ada',
          Array.from({ length: 5 }, (_, i) => ({
            eventId: randomUUID(),
            payload: JSON.stringify({
              type: 'graded',
              module_id: graph.moduleIds[0],
              interaction_end_time: '2026-12-01T09:00:00Z',
              is_correct: i % 2 === 0,
            }),
          })),
        );
        for (const loop of loops) loop.start();
        // Long enough for either loop to take over an expired lease and send, twice over.
        await setTimeout(4_000);
        // The platform is fast again: the events go out, once.
        slowMs = 0;
        await vi.waitFor(async () => expect(await outbox.pendingCount()).toBe(0), {
          timeout: 20_000,
          interval: 50,
        });
        expect(sim.stats().events).toBe(5);
      } finally {
        await Promise.all(loops.map((loop) => loop.close()));
        await provisioner.close();
        await dispose();
      }
    }, 60_000);
  },
);
