import { randomUUID } from 'node:crypto';
import { createPlatformSim, type PlatformSim, seededGraphs } from '@knewton-kit/platform-sim';
import { test } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createLearning, type Learning } from '../../src/learning/createLearning.js';
import type { KnewtonLearningOptions } from '../../src/learning/KnewtonLearningOptions.js';
import { createAccountProvisioner } from '../../src/provisioning/createAccountProvisioner.js';
import type { AccountProvisioner } from '../../src/provisioning/types.js';
import type { AccountStore } from '../../src/store/AccountStore.js';
import {
  createEventOutboxQueries,
  type EventOutboxQueries,
} from '../../src/store/eventOutboxQueries.js';
import { createCapturingLogger } from './createCapturingLogger.js';
import { createLoopClock, type LoopClock } from './createLoopClock.js';
import { testPseudonymKey } from './provisioningHarness.js';
import { createTestStore, type StoreKind } from './testStores.js';

export const testGraph = seededGraphs[0] as (typeof seededGraphs)[number];

/** One outbox row as `POST /events` stores it: an ungraded answer on the graph's first module. */
export function ungradedEvent(): { eventId: string; payload: string } {
  return {
    eventId: randomUUID(),
    payload: JSON.stringify({
      type: 'ungraded',
      module_id: testGraph.moduleIds[0],
      interaction_end_time: '2026-12-01T09:00:00Z',
    }),
  };
}

/** What a test may put between the BFF and the simulator: see the request, delay it, answer it. */
export type Intercept = (
  request: Request,
  next: (request: Request) => Promise<Response>,
) => Promise<Response>;

/**
 * The platform settings of a BFF on `sim`: over HTTP at `baseUrl` when given (a listening simulator),
 * otherwise in-process through `sim.fetch`, with `intercept` in between.
 */
export function simPlatform(
  sim: PlatformSim,
  options: { baseUrl?: string; intercept?: Intercept } = {},
) {
  const { baseUrl, intercept } = options;
  const credentials = {
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    systemExternalUserId: sim.systemExternalUserId,
  };
  if (baseUrl !== undefined) return { baseUrl, ...credentials };
  const next = (request: Request) => sim.fetch(request);
  return {
    baseUrl: 'http://sim.test',
    ...credentials,
    fetch: (input: Request | string | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      return intercept ? intercept(request, next) : next(request);
    },
  };
}

/**
 * One BFF process's learning features on a fake clock, over the real simulator (on the same clock, so its
 * rate limits count the same minutes) and a real store of its own; the delivery loop is not started.
 */
export interface DeliveryHarness {
  sim: PlatformSim;
  store: AccountStore;
  clock: LoopClock;
  provisioner: AccountProvisioner;
  learning: Learning;
  outbox: EventOutboxQueries;
  /** Sees every platform request before the simulator does; settable at any time. */
  intercept: Intercept | undefined;
  /** The messages logged so far, in order. */
  logged(): string[];
  /** Provisions each learner and accepts one event for each, in this order (oldest first). */
  acceptOneEventEach(learners: readonly string[]): Promise<void>;
  /**
   * Provisions and registers the learner, as a learner who asked for a recommendation before is (delivery
   * otherwise registers them first, in the background, and takes them in a later pass).
   */
  register(learner: string): Promise<void>;
}

/**
 * `delivery`: a {@link DeliveryHarness} per test, closed after it. `storeKind` and `learningOptions`
 * (defaults: PGlite, the production defaults) are set per suite with `deliveryTest.override`.
 */
export const deliveryTest = test.extend<{
  storeKind: StoreKind;
  learningOptions: Partial<KnewtonLearningOptions>;
  delivery: DeliveryHarness;
}>({
  storeKind: 'pglite',
  learningOptions: {},
  delivery: async ({ storeKind, learningOptions }, use) => {
    const clock = createLoopClock();
    const sim = createPlatformSim({ now: () => clock.now() });
    const { store, dispose } = await createTestStore(storeKind, { dedicated: true });
    const lines: string[] = [];
    const logger = createCapturingLogger(lines);
    // The platform layer keeps real time (its request timeouts would otherwise fire as soon as the loop
    // clock is stepped, before any real answer); it has fake-clock tests of its own in platform/.
    const platform = {
      ...simPlatform(sim, {
        intercept: (request, next) =>
          harness.intercept ? harness.intercept(request, next) : next(request),
      }),
      clock: systemClock,
    };
    const provisioner = await createAccountProvisioner({
      platform,
      store,
      externalIds: { key: testPseudonymKey },
      closeStore: false,
    });
    const learning = createLearning(
      { graphId: testGraph.id, ...learningOptions },
      platform,
      store,
      logger,
      { clock },
    );
    const outbox = createEventOutboxQueries(store);
    const harness: DeliveryHarness = {
      sim,
      store,
      clock,
      provisioner,
      learning,
      outbox,
      intercept: undefined,
      logged: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
      async acceptOneEventEach(learners) {
        await Promise.all(learners.map((learner) => harness.register(learner)));
        for (const learner of learners) await outbox.accept(learner, [ungradedEvent()]);
      },
      async register(learner) {
        const { accountId } = (await provisioner.ensureAccount(learner)).account;
        await learning.registrar.registrationId({ appUserId: learner, accountId });
      },
    };
    try {
      await use(harness);
    } finally {
      // On the fake clock the grace period never runs out: a pass under way is waited for.
      await learning.delivery.close();
      await provisioner.close();
      await dispose();
    }
  },
});
