import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { KnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LearningCalls } from '../platform/createLearningCalls.js';
import type { PlatformCallContext as LearningCallContext } from '../platform/PlatformCallContext.js';
import type { AccountStore } from '../store/AccountStore.js';
import { createLearningQueries, type RegistrationRow } from '../store/learningQueries.js';

/** Documented: at most 500 registrations per learning instance. */
export const maxRegistrationsPerInstance = 500;

export interface RegistrarOptions {
  store: AccountStore;
  calls: LearningCalls;
  graphId: string;
  learningInstanceName: string;
  logger: Logger;
  /** Registrations placed in one learning instance before the next one is created. @default 500 */
  registrationsPerInstance?: number;
  /** Registrations kept in memory (they never change once written). @default 10000 */
  cacheSize?: number;
}

/** The learner a registration is for: their app user id (the store's key) and Knewton account id. */
export interface Learner {
  appUserId: string;
  accountId: string;
}

export interface Registrar {
  /**
   * The learner's registration for the graph: in exactly one of the app's learning instances of it,
   * created once, ever, and stored beside the account.
   */
  registrationId(learner: Learner, context?: LearningCallContext): Promise<string>;
  /** The learner's registration id if this process already knows it (no store or platform call). */
  knownRegistrationId(appUserId: string): string | undefined;
}

/** Instances a learner may be moved past (each after a 422 entity limit) before we give up for now. */
const maxMoves = 5;

/**
 * Learning instances and registrations, exactly once and crash-safe, the way accounts are.
 *
 * Both follow one protocol under a store lock (cross-process on PostgreSQL): look in the store; if there
 * is no row, write a row with no platform id (a claim) and send the create; then write the id. A claim
 * without an id means an earlier create may have succeeded without its answer arriving (a crash, a
 * timeout, a dropped connection), so the next attempt first looks for it on the platform (the instance by
 * its tagged name, the registration in the instance's list) and creates only when it is not there.
 *
 * Sharding: the platform holds at most 500 registrations per instance, so a graph has instances 0, 1, ...
 * A new learner's row is claimed under the graph-wide lock, in the first instance the store counts fewer
 * than `registrationsPerInstance` rows in (the next instance is claimed and created there when all are
 * full); the create is then sent under the learner's own lock. The two locks are taken one after the
 * other, never nested: on PostgreSQL each holds a pooled connection and a provisioning slot, and learners
 * holding theirs while waiting for the graph's would exhaust the slots and deadlock. A 422 entity limit for
 * an instance the store thought had room (registrations made outside the kit) marks it full and moves the
 * unconfirmed row on; nothing was made there, so the learner still gets exactly one registration.
 */
export function createRegistrar(options: RegistrarOptions): Registrar {
  const { store, calls, graphId, logger } = options;
  const perInstance = options.registrationsPerInstance ?? maxRegistrationsPerInstance;
  const queries = createLearningQueries(store);
  // By app user id, with the account the registration belongs to: a learner erased and provisioned again
  // has a new account and needs a new registration, so an entry for another account is not an answer.
  const registrations = new LRUCache<string, { accountId: string; registrationId: string }>({
    max: options.cacheSize ?? 10_000,
  });
  const registering = new Map<string, Promise<string>>();
  // The lock key lives in the same space as app user ids; sharing one with an app user only serializes
  // that user's provisioning with the graph's allocations.
  const graphLock = `knewton-kit:learning-instance:${graphId}`;

  /** An instance with room for one more learner; the caller holds the graph lock. */
  async function openInstance(context: LearningCallContext | undefined): Promise<string> {
    const instances = await queries.instancesOf(graphId);
    for (const instance of instances) {
      if (!instance.learningInstanceId) return confirmInstance(instance, context);
      if (!instance.full && instance.registrations < perInstance)
        return instance.learningInstanceId;
    }
    const shard = (instances.at(-1)?.shard ?? -1) + 1;
    const tag = randomBytes(6).toString('hex');
    const name = `${options.learningInstanceName} [${tag}]`;
    await queries.claimLearningInstance(graphId, shard, name);
    return confirmInstance({ shard, name }, context, true);
  }

  /** Creates a claimed instance, or finds it by name first when an earlier create may have succeeded. */
  async function confirmInstance(
    instance: { shard: number; name: string },
    context: LearningCallContext | undefined,
    fresh = false,
  ): Promise<string> {
    const { shard, name } = instance;
    if (!fresh) {
      const found = await calls.findLearningInstanceByName(name, context);
      if (found) {
        await queries.confirmLearningInstance(graphId, shard, found);
        logger.warn(
          { learningInstanceId: found, shard },
          'knewton learning instance recovered after a lost create',
        );
        return found;
      }
    }
    const created = await calls.createLearningInstance(graphId, name, context);
    await queries.confirmLearningInstance(graphId, shard, created);
    logger.info({ learningInstanceId: created, shard }, 'knewton learning instance created');
    return created;
  }

  /** The learner's row, claimed in an open instance when there is none; `fresh` when claimed now. */
  function allocate(
    learner: Learner,
    context: LearningCallContext | undefined,
  ): Promise<{ row: RegistrationRow; fresh: boolean }> {
    return store.withUserLock(graphLock, async () => {
      const existing = await queries.findRegistration(learner.appUserId, graphId);
      if (existing) return { row: existing, fresh: false };
      const learningInstanceId = await openInstance(context);
      await queries.claimRegistration(learner.appUserId, graphId, learningInstanceId);
      const row = await queries.findRegistration(learner.appUserId, graphId);
      if (!row) throw new Error('the claimed registration row is missing');
      return { row, fresh: row.learningInstanceId === learningInstanceId };
    });
  }

  /** After a 422 entity limit: marks the instance full and moves the learner's unconfirmed row on. */
  function moveOn(
    learner: Learner,
    fullInstanceId: string,
    context: LearningCallContext | undefined,
  ): Promise<void> {
    return store.withUserLock(graphLock, async () => {
      await queries.markLearningInstanceFull(fullInstanceId);
      const row = await queries.findRegistration(learner.appUserId, graphId);
      // Another process moved (or registered) the learner meanwhile.
      if (!row || row.registrationId || row.learningInstanceId !== fullInstanceId) return;
      const next = await openInstance(context);
      await queries.moveRegistration(learner.appUserId, graphId, fullInstanceId, next);
      logger.warn(
        { learningInstanceId: fullInstanceId },
        'knewton learning instance full (422 entity limit); learner moved to the next instance',
      );
    });
  }

  /** The create under the learner's lock: their id, or the instance that refused them as full. */
  function create(
    learner: Learner,
    claimedFresh: RegistrationRow | undefined,
    context: LearningCallContext | undefined,
  ): Promise<{ registrationId: string } | { fullInstanceId: string }> {
    return store.withUserLock(learner.appUserId, async () => {
      const row = await queries.findRegistration(learner.appUserId, graphId);
      if (!row) throw new Error('the claimed registration row is missing');
      if (row.registrationId) return { registrationId: row.registrationId };
      const instanceId = row.learningInstanceId;
      const confirm = async (registrationId: string) => {
        await queries.confirmRegistration(learner.appUserId, graphId, registrationId);
        return { registrationId };
      };
      // Only a claim made just now, still in the same instance, cannot hide an earlier create.
      if (claimedFresh?.learningInstanceId !== instanceId) {
        const found = await calls.findRegistration(instanceId, learner.accountId, context);
        if (found) {
          logger.warn(
            { registrationId: found },
            'knewton registration recovered after a lost create',
          );
          return confirm(found);
        }
      }
      const outcome = await calls.createRegistration(instanceId, learner.accountId, context);
      if (outcome.kind === 'created') {
        logger.info({ registrationId: outcome.registrationId }, 'knewton registration created');
        return confirm(outcome.registrationId);
      }
      if (outcome.kind === 'instance-full') return { fullInstanceId: instanceId };
      const found = await calls.findRegistration(instanceId, learner.accountId, context);
      if (!found) {
        throw new KnewtonUnavailableError(
          'Knewton reported the learner registered but does not list the registration',
          { retryAfterSeconds: 5 },
        );
      }
      return confirm(found);
    });
  }

  async function register(
    learner: Learner,
    context: LearningCallContext | undefined,
  ): Promise<string> {
    for (let moves = 0; moves <= maxMoves; moves++) {
      let row = await queries.findRegistration(learner.appUserId, graphId);
      if (row?.registrationId) return row.registrationId;
      let fresh: RegistrationRow | undefined;
      if (!row) {
        const allocated = await allocate(learner, context);
        row = allocated.row;
        if (allocated.fresh) fresh = row;
      }
      const outcome = await create(learner, fresh, context);
      if ('registrationId' in outcome) return outcome.registrationId;
      await moveOn(learner, outcome.fullInstanceId, context);
    }
    throw new KnewtonUnavailableError(
      'Knewton refused the learner in every learning instance tried (entity limit)',
      { retryAfterSeconds: 30 },
    );
  }

  return {
    knownRegistrationId: (appUserId) => registrations.get(appUserId)?.registrationId,
    async registrationId(learner, context) {
      const cached = registrations.get(learner.appUserId);
      if (cached?.accountId === learner.accountId) return cached.registrationId;
      const running = registering.get(learner.appUserId);
      if (running) return running;
      const pending = (async () => {
        const id = await register(learner, context);
        registrations.set(learner.appUserId, { accountId: learner.accountId, registrationId: id });
        return id;
      })().finally(() => registering.delete(learner.appUserId));
      registering.set(learner.appUserId, pending);
      return pending;
    },
  };
}
