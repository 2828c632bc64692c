import { fileURLToPath } from 'node:url';
import { createPlatformSim, seededGraphs } from '@knewton-kit/platform-sim';
import { describe, expect, it } from 'vitest';
import { testPseudonymKey } from '../../test/support/provisioningHarness.js';
import { runChildProcesses } from '../../test/support/runChildProcesses.js';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../../test/support/testStores.js';
import { createKnewtonBff } from '../createKnewtonBff.js';
import { createPostgresStore } from '../store/createPostgresStore.js';
import type { LearningDatabase } from '../store/learningSchema.js';

if (!testDatabaseUrl)
  console.warn(
    '[multiProcessRegistration] skipped: TEST_DATABASE_URL is not set (needs a shared PostgreSQL)',
  );

const childScript = fileURLToPath(
  new URL('../../test/support/recommendInChildProcess.ts', import.meta.url),
);

describe.skipIf(!testDatabaseUrl)(
  'registrations across 4 OS processes sharing one PostgreSQL',
  () => {
    it('creates 4 learning instances of at most 6 (cap 6, 20 learners) and exactly one registration per learner', async () => {
      const connectionString = testDatabaseUrl as string;
      const sim = createPlatformSim();
      const server = await sim.listen({ port: 0 });
      const schema = uniqueSchemaName();
      const graphId = (seededGraphs[0] as (typeof seededGraphs)[number]).id;
      const users = Array.from({ length: 20 }, (_, i) => `learner-${i}`);
      // The accounts exist first (the gate ensured them); registration is what the processes race for.
      const store = await createPostgresStore({ connectionString, schema });
      const parent = await createKnewtonBff({
        authenticate: (request) => request.headers.get('x-test-user') ?? undefined,
        platform: {
          baseUrl: server.url,
          apiKey: sim.apiKey,
          apiSecret: sim.apiSecret,
          systemExternalUserId: sim.systemExternalUserId,
        },
        store,
        externalIds: { key: testPseudonymKey },
        allowedOrigins: ['https://app.test'],
      });
      try {
        for (const user of users) {
          const answer = await parent.provisioner.ensureAccount(user);
          expect(answer.created).toBe(true);
        }
        const env = {
          CHILD_DATABASE_URL: connectionString,
          CHILD_SCHEMA: schema,
          CHILD_SIM_URL: server.url,
          CHILD_API_KEY: sim.apiKey,
          CHILD_API_SECRET: sim.apiSecret,
          CHILD_SYSTEM_ID: sim.systemExternalUserId,
          CHILD_PSEUDONYM_KEY: testPseudonymKey,
          CHILD_GRAPH_ID: graphId,
          CHILD_USERS: users.join(','),
          CHILD_REGISTRATIONS_PER_INSTANCE: '6',
        };
        const perProcess = await runChildProcesses<{ user: string; status: number }>(
          [env, env, env, env],
          90_000,
          childScript,
        );
        const outcomes = perProcess.flat();
        expect(outcomes).toHaveLength(4 * users.length);
        expect(outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);
        expect(sim.stats().calls['POST /v0/learning-instances']).toBe(4);
        expect(sim.stats().calls['POST /v0/registrations']).toBe(users.length);
        const learning = store.db.withTables<LearningDatabase>();
        const instances = await learning
          .selectFrom('knewton_learning_instances')
          .select(['shard', 'learning_instance_id'])
          .orderBy('shard')
          .execute();
        expect(instances.map((row) => row.shard)).toEqual([0, 1, 2, 3]);
        const rows = await learning
          .selectFrom('knewton_registrations')
          .select(['app_user_id', 'registration_id', 'learning_instance_id'])
          .execute();
        const perInstance = instances.map(
          (instance) =>
            rows.filter((row) => row.learning_instance_id === instance.learning_instance_id).length,
        );
        expect(perInstance).toEqual([6, 6, 6, 2]);
        expect(rows.map((row) => row.app_user_id).sort()).toEqual([...users].sort());
        expect(new Set(rows.map((row) => row.registration_id)).size).toBe(users.length);
        expect(rows.every((row) => typeof row.registration_id === 'string')).toBe(true);
      } finally {
        await parent.close();
        await dropSchema(connectionString, schema);
        await server.close();
      }
    }, 120_000);
  },
);
