import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { KnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LearningCallContext, LearningCalls } from '../platform/createLearningCalls.js';
import type { AccountStore } from '../store/AccountStore.js';
import { createLearningQueries } from '../store/learningQueries.js';

export interface RegistrarOptions {
  store: AccountStore;
  calls: LearningCalls;
  graphId: string;
  learningInstanceName: string;
  logger: Logger;
  /** Registrations kept in memory (they never change once written). @default 10000 */
  cacheSize?: number;
}

/** The learner a registration is for: their app user id (the store's key) and Knewton account id. */
export interface Learner {
  appUserId: string;
  accountId: string;
}

export interface Registrar {
  /** The app's learning instance for the graph: created on the platform once, ever, and stored. */
  learningInstanceId(context?: LearningCallContext): Promise<string>;
  /** The learner's registration in that instance: created once, ever, and stored beside the account. */
  registrationId(learner: Learner, context?: LearningCallContext): Promise<string>;
}

/**
 * Learning instance and registrations, exactly once and crash-safe, the way accounts are.
 *
 * Both follow one protocol under the store's per-key lock (cross-process on PostgreSQL): look in the
 * store; if there is no row, write a row with no platform id (a claim) and send the create; then write
 * the id. A claim without an id means an earlier create may have succeeded without its answer arriving
 * (a crash, a timeout, a dropped connection), so the next attempt first looks for it on the platform
 * (the instance by its tagged name, the registration in the instance's list) and creates only when it is
 * not there. The platform therefore sees at most one successful create per graph and per learner.
 */
export function createRegistrar(options: RegistrarOptions): Registrar {
  const { store, calls, graphId, logger } = options;
  const queries = createLearningQueries(store);
  const registrations = new LRUCache<string, string>({ max: options.cacheSize ?? 10_000 });
  const registering = new Map<string, Promise<string>>();
  let instance: Promise<string> | undefined;

  async function resolveInstance(context: LearningCallContext | undefined): Promise<string> {
    const stored = await queries.findLearningInstance(graphId);
    if (stored?.learningInstanceId) return stored.learningInstanceId;
    // The lock key lives in the same space as app user ids; sharing one with an app user only
    // serializes that user's provisioning with this one-time create.
    return store.withUserLock(`knewton-kit:learning-instance:${graphId}`, async () => {
      const row = await queries.findLearningInstance(graphId);
      if (row?.learningInstanceId) return row.learningInstanceId;
      let name: string;
      if (row) {
        name = row.name;
        const found = await calls.findLearningInstanceByName(name, context);
        if (found) {
          await queries.confirmLearningInstance(graphId, found);
          logger.warn(
            {
              learningInstanceId: found,
            },
            'knewton learning instance recovered after a lost create',
          );
          return found;
        }
      } else {
        const tag = randomBytes(6).toString('hex');
        name = (
          await queries.claimLearningInstance(graphId, `${options.learningInstanceName} [${tag}]`)
        ).name;
      }
      const created = await calls.createLearningInstance(graphId, name, context);
      await queries.confirmLearningInstance(graphId, created);
      logger.info({ learningInstanceId: created }, 'knewton learning instance created');
      return created;
    });
  }

  async function register(
    learner: Learner,
    learningInstanceId: string,
    context: LearningCallContext | undefined,
  ): Promise<string> {
    const stored = await queries.findRegistration(learner.appUserId, learningInstanceId);
    if (stored?.registrationId) return stored.registrationId;
    return store.withUserLock(learner.appUserId, async () => {
      const row = await queries.findRegistration(learner.appUserId, learningInstanceId);
      if (row?.registrationId) return row.registrationId;
      if (row) {
        const found = await calls.findRegistration(learningInstanceId, learner.accountId, context);
        if (found) {
          await queries.confirmRegistration(learner.appUserId, learningInstanceId, found);
          logger.warn(
            {
              registrationId: found,
            },
            'knewton registration recovered after a lost create',
          );
          return found;
        }
      } else {
        await queries.claimRegistration(learner.appUserId, learningInstanceId);
      }
      const outcome = await calls.createRegistration(
        learningInstanceId,
        learner.accountId,
        context,
      );
      let registrationId: string;
      if (outcome.kind === 'created') {
        registrationId = outcome.registrationId;
      } else {
        const found = await calls.findRegistration(learningInstanceId, learner.accountId, context);
        if (!found) {
          throw new KnewtonUnavailableError(
            'Knewton reported the learner registered but does not list the registration',
            { retryAfterSeconds: 5 },
          );
        }
        registrationId = found;
      }
      await queries.confirmRegistration(learner.appUserId, learningInstanceId, registrationId);
      logger.info({ registrationId }, 'knewton registration created');
      return registrationId;
    });
  }

  function learningInstanceId(context?: LearningCallContext): Promise<string> {
    if (!instance) {
      const pending = resolveInstance(context);
      instance = pending;
      // A failure is not remembered: the next request tries again.
      pending.catch(() => {
        if (instance === pending) instance = undefined;
      });
    }
    return instance;
  }

  return {
    learningInstanceId,

    async registrationId(learner, context) {
      const cached = registrations.get(learner.appUserId);
      if (cached) return cached;
      const running = registering.get(learner.appUserId);
      if (running) return running;
      const pending = (async () => {
        const instanceId = await learningInstanceId(context);
        const id = await register(learner, instanceId, context);
        registrations.set(learner.appUserId, id);
        return id;
      })().finally(() => registering.delete(learner.appUserId));
      registering.set(learner.appUserId, pending);
      return pending;
    },
  };
}
