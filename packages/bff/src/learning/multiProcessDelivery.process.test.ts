import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createPlatformSim, seededGraphs } from '@knewton-kit/platform-sim';
import { describe, expect, it } from 'vitest';
import { testPseudonymKey } from '../../test/support/provisioningHarness.js';
import { runChildProcesses } from '../../test/support/runChildProcesses.js';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../../test/support/testStores.js';
import { createAccountProvisioner } from '../provisioning/createAccountProvisioner.js';
import { createPostgresStore } from '../store/createPostgresStore.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';

if (!testDatabaseUrl)
  console.warn(
    '[multiProcessDelivery] skipped: TEST_DATABASE_URL is not set (needs a shared PostgreSQL)',
  );

const childScript = fileURLToPath(
  new URL('../../test/support/deliverInChildProcess.ts', import.meta.url),
);

describe.skipIf(!testDatabaseUrl)(
  'the event outbox shared by 3 OS processes on one PostgreSQL',
  () => {
    it('delivers every accepted event exactly once, and registers each learner once', async () => {
      const connectionString = testDatabaseUrl as string;
      const sim = createPlatformSim();
      const server = await sim.listen({ port: 0 });
      const schema = uniqueSchemaName();
      const graph = seededGraphs[0] as (typeof seededGraphs)[number];
      const store = await createPostgresStore({ connectionString, schema });
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
      try {
        // 20 learners with 30 accepted events each, in the outbox before any process delivers.
        const users = Array.from({ length: 20 }, (_, i) => `learner-${i}`);
        const outbox = createEventOutboxQueries(store);
        for (const user of users) {
          await provisioner.ensureAccount(user);
          const events = Array.from({ length: 30 }, (_, i) => ({
            eventId: randomUUID(),
            payload: JSON.stringify({
              type: 'graded',
              module_id: graph.moduleIds[i % 3],
              interaction_end_time: '2026-12-01T09:00:00Z',
              is_correct: i % 2 === 0,
            }),
          }));
          await outbox.accept(user, events);
        }
        expect(await outbox.pendingCount()).toBe(600);
        const env = {
          CHILD_DATABASE_URL: connectionString,
          CHILD_SCHEMA: schema,
          CHILD_SIM_URL: server.url,
          CHILD_API_KEY: sim.apiKey,
          CHILD_API_SECRET: sim.apiSecret,
          CHILD_SYSTEM_ID: sim.systemExternalUserId,
          CHILD_PSEUDONYM_KEY: testPseudonymKey,
          CHILD_GRAPH_ID: graph.id,
        };
        await runChildProcesses([env, env, env], 90_000, childScript);
        expect(await outbox.pendingCount()).toBe(0);
        // Each event once: the platform counted exactly what was accepted.
        expect(sim.stats().events).toBe(600);
        expect(sim.stats().calls['POST /v0/learning-instances']).toBe(1);
        expect(sim.stats().calls['POST /v0/registrations']).toBe(users.length);
      } finally {
        await provisioner.close();
        await store.close();
        await dropSchema(connectionString, schema);
        await server.close();
      }
    }, 120_000);
  },
);
