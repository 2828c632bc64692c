import { fileURLToPath } from 'node:url';
import { createPlatformSim } from '@knewton-kit/platform-sim';
import { describe, expect, it, vi } from 'vitest';
import { testPseudonymKey } from '../../test/support/provisioningHarness.js';
import { runChildProcesses } from '../../test/support/runChildProcesses.js';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../../test/support/testStores.js';
import { isKnewtonOptedOutError } from '../errors.js';
import { createPostgresStore } from '../store/createPostgresStore.js';
import { createAccountProvisioner } from './createAccountProvisioner.js';

const optOutChild = fileURLToPath(
  new URL('../../test/support/optOutInChildProcess.ts', import.meta.url),
);

if (!testDatabaseUrl)
  console.warn(
    '[multiProcessOptOut] skipped: TEST_DATABASE_URL is not set (needs a shared PostgreSQL)',
  );

describe.skipIf(!testDatabaseUrl)(
  'opting out from another OS process sharing one PostgreSQL',
  () => {
    it('refuses this process’s queued (202) creation and stops its warm answers', async () => {
      const connectionString = testDatabaseUrl as string;
      const sim = createPlatformSim();
      const server = await sim.listen({ port: 0 });
      const schema = uniqueSchemaName();
      const store = await createPostgresStore({ connectionString, schema });
      const platform = {
        baseUrl: server.url,
        apiKey: sim.apiKey,
        apiSecret: sim.apiSecret,
        systemExternalUserId: sim.systemExternalUserId,
      };
      // One single create every 10 s and no batches: the herd waits in this process's line, herd-1's turn
      // coming well after the child process (a second or two to start) has opted it out.
      const provisioner = await createAccountProvisioner({
        platform: {
          ...platform,
          rateLimits: { accountCreatesPerMinute: 1, batchCallsPerMinute: 0, timeScale: 6 },
        },
        store,
        externalIds: { key: testPseudonymKey },
        closeStore: false,
      });
      try {
        const ensure = (user: string) => provisioner.ensureAccount(user, { holdMs: 100 });
        // Not held: a cold token and the first create may take longer than the 100 ms hold.
        const early = await provisioner.ensureAccount('early');
        expect(early).toMatchObject({ outcome: 'created' });
        for (const user of ['herd-1', 'herd-2', 'herd-3'])
          expect(await ensure(user)).toMatchObject({ outcome: 'queued' });
        expect(provisioner.knownAccount?.('early')).toEqual(early.account);

        const [changes] = await runChildProcesses(
          [
            {
              CHILD_DATABASE_URL: connectionString,
              CHILD_SCHEMA: schema,
              CHILD_SIM_URL: server.url,
              CHILD_API_KEY: sim.apiKey,
              CHILD_API_SECRET: sim.apiSecret,
              CHILD_SYSTEM_ID: sim.systemExternalUserId,
              CHILD_PSEUDONYM_KEY: testPseudonymKey,
              CHILD_USERS: 'herd-1,early',
            },
          ],
          60_000,
          optOutChild,
        );
        expect(changes).toEqual([
          { user: 'herd-1', changed: true, removedEvents: 0 },
          { user: 'early', changed: true, removedEvents: 0 },
        ]);

        // First come, first served: once herd-2 exists, herd-1's turn has passed.
        await vi.waitFor(async () => expect(await provisioner.getAccount('herd-2')).toBeDefined(), {
          timeout: 40_000,
          interval: 200,
        });
        await expect(ensure('herd-1')).rejects.toSatisfy(isKnewtonOptedOutError);
        // early and herd-2: nothing was sent for herd-1.
        expect(sim.stats().accounts).toBe(2);
        expect(sim.stats().calls['POST /v0/accounts']).toBe(2);
        // The account this process held in memory is dropped by its watch (1 s on PostgreSQL).
        await vi.waitFor(() => expect(provisioner.knownAccount?.('early')).toBeUndefined(), {
          timeout: 10_000,
        });
        await expect(ensure('early')).rejects.toSatisfy(isKnewtonOptedOutError);
      } finally {
        await provisioner.close();
        await store.close();
        await dropSchema(connectionString, schema);
        await server.close();
      }
    }, 120_000);
  },
);
