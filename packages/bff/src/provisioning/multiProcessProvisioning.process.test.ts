import { createPlatformSim } from '@knewton-kit/platform-sim';
import { describe, expect, it } from 'vitest';
import { testPseudonymKey } from '../../test/support/provisioningHarness.js';
import { runChildProcesses } from '../../test/support/runChildProcesses.js';
import {
  countRows,
  dropSchema,
  testDatabaseUrl,
  uniqueSchemaName,
} from '../../test/support/testStores.js';
import { createPostgresStore } from '../store/createPostgresStore.js';

if (!testDatabaseUrl)
  console.warn(
    '[multiProcessProvisioning] skipped: TEST_DATABASE_URL is not set (needs a shared PostgreSQL)',
  );

describe.skipIf(!testDatabaseUrl)(
  'provisioning across 4 OS processes sharing one PostgreSQL',
  () => {
    it('creates exactly one account per user however many processes race for it', async () => {
      const connectionString = testDatabaseUrl as string;
      const sim = createPlatformSim();
      const server = await sim.listen({ port: 0 });
      const schema = uniqueSchemaName();
      // Migrate once up front; the children then only open the store.
      const store = await createPostgresStore({ connectionString, schema });
      try {
        // Each process ensures one hot user 50 times at once (200 in all) and 100 users once each, the
        // same 100 in every process, all released at the same moment.
        const hotUser = 'user-hot';
        const users = Array.from({ length: 100 }, (_, i) => `user-${i}`);
        const env = {
          CHILD_DATABASE_URL: connectionString,
          CHILD_SCHEMA: schema,
          CHILD_SIM_URL: server.url,
          CHILD_API_KEY: sim.apiKey,
          CHILD_API_SECRET: sim.apiSecret,
          CHILD_SYSTEM_ID: sim.systemExternalUserId,
          CHILD_PSEUDONYM_KEY: testPseudonymKey,
          CHILD_USERS: users.join(','),
          CHILD_HOT_USER: hotUser,
          CHILD_HOT_ENSURES: '50',
        };
        const perProcess = await runChildProcesses([env, env, env, env], 90_000);
        const outcomes = perProcess.flat();
        expect(outcomes).toHaveLength(4 * (50 + users.length));
        expect(outcomes.filter((outcome) => outcome.user === hotUser)).toHaveLength(200);
        // Exactly one account per user on the platform, whichever of the 4 processes (and whether by a
        // single create or a batch) made it: batches skip users another process holds locked.
        expect(sim.stats().accounts).toBe(101);
        expect(sim.accounts().accounts).toHaveLength(101);
        expect(sim.stats().calls['POST /v0/batch']).toBeGreaterThanOrEqual(1);
        for (const user of [hotUser, ...users]) {
          const mine = outcomes.filter((outcome) => outcome.user === user);
          expect(new Set(mine.map((outcome) => outcome.accountId)).size).toBe(1);
          expect(mine.filter((outcome) => outcome.created)).toHaveLength(1);
        }
        expect(await countRows(store)).toBe(101);
      } finally {
        await store.close();
        await dropSchema(connectionString, schema);
        await server.close();
      }
    }, 120_000);
  },
);
