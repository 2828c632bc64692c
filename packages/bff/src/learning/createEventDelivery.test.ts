import { randomUUID } from 'node:crypto';
import { createPlatformSim, seededGraphs } from '@knewton-kit/platform-sim';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger.js';
import { createAccountProvisioner } from '../provisioning/createAccountProvisioner.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';
import type { EventOutboxDatabase } from '../store/eventOutboxSchema.js';
import { testPseudonymKey } from '../testSupport/provisioningHarness.js';
import {
  createTestStore,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../testSupport/testStores.js';
import { createLearning } from './createLearning.js';

warnIfPostgresSkipped('createEventDelivery');
const graph = seededGraphs[0] as (typeof seededGraphs)[number];

describe.each(storeKinds)('the delivery loop starting on %s', (kind) => {
  it.skipIf(kind === 'postgres' && !testDatabaseUrl)(
    kind === 'pglite'
      ? 'drops a lease left by a killed process (a PGlite folder has one owner) and delivers at once'
      : "respects another process's live lease (it may still be delivering)",
    async () => {
      const sim = createPlatformSim();
      const server = await sim.listen({ port: 0 });
      const { store, dispose } = await createTestStore(kind, { dedicated: true });
      const platform = {
        baseUrl: server.url,
        apiKey: sim.apiKey,
        apiSecret: sim.apiSecret,
        systemExternalUserId: sim.systemExternalUserId,
      };
      const provisioner = await createAccountProvisioner({
        platform,
        store,
        externalIds: { key: testPseudonymKey },
        closeStore: false,
      });
      const learning = createLearning(
        { graphId: graph.id, deliveryIntervalMs: 20 },
        platform,
        store,
        silentLogger,
      );
      try {
        await provisioner.ensureAccount('ada');
        const outbox = createEventOutboxQueries(store);
        await outbox.accept('ada', [
          {
            eventId: randomUUID(),
            payload: JSON.stringify({
              type: 'ungraded',
              module_id: graph.moduleIds[0],
              interaction_end_time: '2026-12-01T09:00:00Z',
            }),
          },
        ]);
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
        await learning.delivery.close();
        await provisioner.close();
        await dispose();
        await server.close();
      }
    },
    60_000,
  );
});
