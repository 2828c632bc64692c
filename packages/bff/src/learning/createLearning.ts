import { type Clock, systemClock } from '../clock.js';
import type { Logger } from '../logger.js';
import { createLearningCalls } from '../platform/createLearningCalls.js';
import type { PlatformOptions } from '../provisioning/AccountProvisionerOptions.js';
import type { AccountStore } from '../store/AccountStore.js';
import { createEventDelivery, type EventDelivery } from './createEventDelivery.js';
import { createRecommender, type Recommender } from './createRecommender.js';
import { createRegistrar, type Registrar } from './createRegistrar.js';
import { type ResolvedLearningOptions, validateLearningOptions } from './KnewtonLearningOptions.js';

export interface Learning {
  options: ResolvedLearningOptions;
  registrar: Registrar;
  recommender: Recommender;
  delivery: EventDelivery;
}

export interface CreateLearningOptions {
  /** Time for delivery and the recommender's pacing. @default systemClock */
  clock?: Clock;
  /** Called with each dead-lettered batch's size and the platform's status (metrics). */
  onDeadLettered?(events: number, status: number): void;
}

/** The learning features over the BFF's own platform settings and store; `learning` validated here. */
export function createLearning(
  learning: unknown,
  platform: PlatformOptions,
  store: AccountStore,
  logger: Logger,
  { clock = systemClock, onDeadLettered }: CreateLearningOptions = {},
): Learning {
  const options = validateLearningOptions(learning);
  const calls = createLearningCalls({ clock, ...platform, logger });
  const registrar = createRegistrar({
    store,
    calls,
    graphId: options.graphId,
    learningInstanceName: options.learningInstanceName,
    registrationsPerInstance: options.registrationsPerInstance,
    logger,
  });
  const recommender = createRecommender({
    calls,
    registrar,
    cacheMs: options.recommendationCacheMs,
    clock,
  });
  const delivery = createEventDelivery({
    store,
    calls,
    registrar,
    logger,
    intervalMs: options.deliveryIntervalMs,
    dedupWindowMs: options.eventDedupWindowMs,
    clock,
    ...(onDeadLettered ? { onDeadLettered } : {}),
  });
  return { options, registrar, recommender, delivery };
}
