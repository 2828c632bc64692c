import { createPlatformSim, type PlatformSimOptions } from '@knewton-kit/platform-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { testGraph as graph, simPlatform } from '../../test/support/deliveryHarness.js';
import { testPseudonymKey } from '../../test/support/provisioningHarness.js';
import {
  createTestStore,
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import type { Logger } from '../logger.js';
import { createLearningCalls } from '../platform/createLearningCalls.js';
import { createAccountProvisioner } from '../provisioning/createAccountProvisioner.js';
import type { LearningDatabase } from '../store/learningSchema.js';
import { createRegistrar, type Learner } from './createRegistrar.js';

warnIfPostgresSkipped('createRegistrar');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A registrar over the real simulator (in-process) and a real store, sharding `perInstance` learners per
 * instance; `drop(route)` lets the next call of a route reach the simulator and then lose its answer.
 */
async function registrarHarness(
  kind: (typeof storeKinds)[number],
  perInstance: number,
  simOptions: PlatformSimOptions = {},
) {
  const sim = createPlatformSim({ rateLimits: false, ...simOptions });
  const drops = new Set<string>();
  const platform = simPlatform(sim, {
    async intercept(request, next) {
      const response = await next(request);
      const route = `${request.method} ${new URL(request.url).pathname.replace(/^\/v0/, '')}`;
      if (drops.delete(route)) throw new TypeError('fetch failed (test: answer lost)');
      return response;
    },
  });
  const { store, dispose } = await createTestStore(kind, { dedicated: true });
  const provisioner = await createAccountProvisioner({
    platform,
    store,
    externalIds: { key: testPseudonymKey },
    closeStore: false,
  });
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(fields: unknown, message?: string) {
      warnings.push(typeof fields === 'string' ? fields : (message ?? ''));
    },
    error() {},
  };
  cleanups.push(async () => {
    await provisioner.close();
    await dispose();
  });
  const calls = createLearningCalls({ ...platform, logger });
  const makeRegistrar = () =>
    createRegistrar({
      store,
      calls,
      graphId: graph.id,
      learningInstanceName: 'shard-test',
      registrationsPerInstance: perInstance,
      logger,
    });
  const learner = async (appUserId: string): Promise<Learner> => {
    await provisioner.ensureAccount(appUserId);
    const row = await store.findByAppUserId(appUserId);
    return { appUserId, accountId: row?.accountId ?? '' };
  };
  return {
    sim,
    store,
    warnings,
    makeRegistrar,
    learner,
    drop: (route: string) => drops.add(route),
    calls: (route: string) => sim.stats().calls[route] ?? 0,
    storedInstances: () =>
      store.db
        .withTables<LearningDatabase>()
        .selectFrom('knewton_learning_instances')
        .selectAll()
        .orderBy('shard')
        .execute(),
    storedRegistrations: () =>
      store.db
        .withTables<LearningDatabase>()
        .selectFrom('knewton_registrations')
        .selectAll()
        .execute(),
  };
}

/** Learners per instance id, from the platform's own lists. */
function byInstance(registrations: { learning_instance_id: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of registrations)
    counts.set(row.learning_instance_id, (counts.get(row.learning_instance_id) ?? 0) + 1);
  return counts;
}

describe.each(storeKinds)('sharded registrations on %s', (kind) => {
  const skip = kind === 'postgres' && !testDatabaseUrl;

  it.skipIf(skip)(
    'puts 10 learners arriving at once into 4 instances of at most 3, each learner exactly once',
    async () => {
      const h = await registrarHarness(kind, 3);
      const registrar = h.makeRegistrar();
      const learners = await Promise.all(
        Array.from({ length: 10 }, (_, i) => h.learner(`learner-${i}`)),
      );
      const ids = await Promise.all(learners.map((learner) => registrar.registrationId(learner)));
      expect(new Set(ids).size).toBe(10);
      expect(h.calls('POST /v0/learning-instances')).toBe(4);
      expect(h.calls('POST /v0/registrations')).toBe(10);
      const instances = await h.storedInstances();
      expect(instances.map((row) => row.shard)).toEqual([0, 1, 2, 3]);
      expect(instances.every((row) => typeof row.learning_instance_id === 'string')).toBe(true);
      const stored = await h.storedRegistrations();
      expect(stored.map((row) => row.app_user_id).sort()).toEqual(
        learners.map((learner) => learner.appUserId).sort(),
      );
      expect(stored.map((row) => row.registration_id).sort()).toEqual([...ids].sort());
      expect([...byInstance(stored).values()].sort()).toEqual([1, 3, 3, 3]);
      // The platform agrees: each learner is listed once, in the instance the store names.
      for (const row of stored) {
        const account = learners.find((learner) => learner.appUserId === row.app_user_id);
        expect(await createLearningCallsFind(h, row, account)).toBe(row.registration_id);
      }
      // Asking again, from a fresh registrar (another process, a restart), creates nothing.
      const again = h.makeRegistrar();
      expect(await Promise.all(learners.map((learner) => again.registrationId(learner)))).toEqual(
        ids,
      );
      expect(h.calls('POST /v0/registrations')).toBe(10);
      expect(h.calls('POST /v0/learning-instances')).toBe(4);
    },
    60_000,
  );

  it.skipIf(skip)(
    "recovers shard 1's lost instance-create answer by name instead of creating a second instance",
    async () => {
      const h = await registrarHarness(kind, 3);
      const registrar = h.makeRegistrar();
      for (let i = 0; i < 3; i++) await registrar.registrationId(await h.learner(`first-${i}`));
      expect(h.calls('POST /v0/learning-instances')).toBe(1);
      const fourth = await h.learner('fourth');
      h.drop('POST /learning-instances');
      await expect(registrar.registrationId(fourth)).rejects.toMatchObject({
        name: 'KnewtonUnavailableError',
      });
      const id = await registrar.registrationId(fourth);
      expect(h.calls('POST /v0/learning-instances')).toBe(2);
      const instances = await h.storedInstances();
      expect(instances.map((row) => row.shard)).toEqual([0, 1]);
      const stored = (await h.storedRegistrations()).find((row) => row.app_user_id === 'fourth');
      expect(stored?.registration_id).toBe(id);
      expect(stored?.learning_instance_id).toBe(instances[1]?.learning_instance_id);
      expect(h.warnings).toContain('knewton learning instance recovered after a lost create');
    },
    60_000,
  );

  it.skipIf(skip)(
    'moves a learner on when the platform answers 422 for an instance the store thinks has room',
    async () => {
      // Someone else's registrations fill the platform's instance earlier than the store can count:
      // the simulator holds 2 per instance, the registrar would put 3 in each.
      const h = await registrarHarness(kind, 3, { maxRegistrationsPerInstance: 2 });
      const registrar = h.makeRegistrar();
      await registrar.registrationId(await h.learner('a'));
      await registrar.registrationId(await h.learner('b'));
      const c = await h.learner('c');
      const cId = await registrar.registrationId(c);
      // One refused create (422) and one that worked; no second registration for c.
      expect(h.calls('POST /v0/registrations')).toBe(4);
      const instances = await h.storedInstances();
      expect(instances.map((row) => [row.shard, row.is_full])).toEqual([
        [0, true],
        [1, false],
      ]);
      const stored = await h.storedRegistrations();
      const cRow = stored.find((row) => row.app_user_id === 'c');
      expect(cRow).toMatchObject({
        registration_id: cId,
        learning_instance_id: instances[1]?.learning_instance_id,
      });
      expect(await createLearningCallsFind(h, cRow, c)).toBe(cId);
      // The full instance is skipped from now on, though the store counts only 2 in it.
      await registrar.registrationId(await h.learner('d'));
      expect(h.calls('POST /v0/registrations')).toBe(5);
      expect(
        (await h.storedRegistrations()).find((row) => row.app_user_id === 'd')
          ?.learning_instance_id,
      ).toBe(instances[1]?.learning_instance_id);
      expect(h.warnings.some((line) => line.includes('422 entity limit'))).toBe(true);
    },
    60_000,
  );
});

/** The registration the platform lists for this learner in the instance the store row names. */
async function createLearningCallsFind(
  h: Awaited<ReturnType<typeof registrarHarness>>,
  row: { learning_instance_id: string } | undefined,
  learner: Learner | undefined,
): Promise<string | undefined> {
  const calls = createLearningCalls({
    baseUrl: 'http://sim.test',
    apiKey: h.sim.apiKey,
    apiSecret: h.sim.apiSecret,
    systemExternalUserId: h.sim.systemExternalUserId,
    fetch: (input: Request | string | URL, init?: RequestInit) => h.sim.fetch(input, init),
  });
  return calls.findRegistration(row?.learning_instance_id ?? '', learner?.accountId ?? '');
}
