import { randomUUID } from 'node:crypto';
import { type PlatformSim, seededGraphs } from '@knewton-kit/platform-sim';
import { createLearning, type Learning } from '../../src/learning/createLearning.js';
import type { KnewtonLearningOptions } from '../../src/learning/KnewtonLearningOptions.js';
import { type Logger, silentLogger } from '../../src/logger.js';
import { createAccountProvisioner } from '../../src/provisioning/createAccountProvisioner.js';
import type { AccountProvisioner } from '../../src/provisioning/types.js';
import type { AccountStore } from '../../src/store/AccountStore.js';
import {
  createEventOutboxQueries,
  type EventOutboxQueries,
} from '../../src/store/eventOutboxQueries.js';
import { testPseudonymKey } from './provisioningHarness.js';

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

export interface DeliveryHarness {
  provisioner: AccountProvisioner;
  learning: Learning;
  outbox: EventOutboxQueries;
  close(): Promise<void>;
}

/**
 * A provisioner and the learning features (the delivery loop not started) over one store and platform,
 * as one BFF process has them; `close` stops both and leaves the store to its owner.
 */
export async function createDeliveryHarness(
  store: AccountStore,
  platform: ReturnType<typeof simPlatform>,
  learning: Partial<KnewtonLearningOptions> = {},
  logger: Logger = silentLogger,
): Promise<DeliveryHarness> {
  const provisioner = await createAccountProvisioner({
    platform,
    store,
    externalIds: { key: testPseudonymKey },
    closeStore: false,
  });
  const features = createLearning(
    { graphId: testGraph.id, deliveryIntervalMs: 20, ...learning },
    platform,
    store,
    logger,
  );
  return {
    provisioner,
    learning: features,
    outbox: createEventOutboxQueries(store),
    async close() {
      await features.delivery.close();
      await provisioner.close();
    },
  };
}
