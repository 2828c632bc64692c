import {
  bffPaths,
  checkEventsRequest,
  type EventsResponse,
  type LearningEventInput,
  type RecommendationResponse,
} from '@knewton-kit/contract';
import type { Context } from 'hono';
import { KnewtonOptedOutError } from '../errors.js';
import type { EventDelivery } from '../learning/createEventDelivery.js';
import { createOutboxBound } from '../learning/createOutboxBound.js';
import type { Recommender } from '../learning/createRecommender.js';
import type { ResolvedLearningOptions } from '../learning/KnewtonLearningOptions.js';
import { eventCallsPerMinute, maxBatchEvents } from '../platform/platformLimits.js';
import type { AccountRow, AccountStore } from '../store/AccountStore.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';
import { ApiError } from './ApiError.js';
import type { BffRouter } from './createBffRouter.js';
import type { UserRateLimits } from './createUserRateLimits.js';
import type { RouterEnv } from './RouterEnv.js';
import { readJsonBody } from './readJsonBody.js';
import { type Authenticate, requireAppUser } from './requireAppUser.js';

export interface LearningRoutesOptions {
  authenticate: Authenticate;
  /** Where provisioning mapped each user to an account and external id (the learner token's scope). */
  store: AccountStore;
  recommender: Recommender;
  delivery: EventDelivery;
  /** The per-user request limits (`recommendation` and `events` budgets). */
  rateLimits: UserRateLimits;
  /**
   * `maxPendingEvents` (over all learners; beyond, 503 with `Retry-After`, checked against a count at most
   * a second old, see `createOutboxBound`), `maxPendingEventsPerLearner` (beyond, 429 to that learner) and
   * `moduleIds` (when known, events for other modules are refused with 400).
   */
  options: Pick<
    ResolvedLearningOptions,
    'maxPendingEvents' | 'maxPendingEventsPerLearner' | 'moduleIds'
  >;
}

/** Events one learner's token may deliver per second at the platform's limit (15 calls of 500 a minute). */
const learnerEventsPerSecond = (eventCallsPerMinute * maxBatchEvents) / 60;

/** The platform's batch-event body for one event, as the outbox stores it. */
function toPlatformEvent(event: LearningEventInput): Record<string, unknown> {
  return {
    type: event.type,
    module_id: event.moduleId,
    interaction_end_time: event.interactionEndTime,
    ...(event.isCorrect === undefined ? {} : { is_correct: event.isCorrect }),
    ...(event.durationMs === undefined ? {} : { duration: event.durationMs }),
    ...(event.isComplete === undefined ? {} : { is_complete: event.isComplete }),
  };
}

/**
 * `GET /recommendation`: the signed-in learner's next modules, registering the learner in the app's
 * learning instance on first use. `POST /events`: the learner's events into the outbox, answered 202
 * only after the one statement that stores them all has committed. Neither creates the account
 * (404 `account_not_found` without one); for a learner who opted out both answer 403 `knewton_opted_out`
 * and neither stores nor sends anything.
 */
export function registerLearningRoutes(router: BffRouter, options: LearningRoutesOptions): void {
  const { authenticate, store, recommender, delivery, rateLimits } = options;
  const { maxPendingEvents, maxPendingEventsPerLearner, moduleIds } = options.options;
  const outbox = createEventOutboxQueries(store);
  const bound = createOutboxBound(outbox, maxPendingEvents);

  /** 429 to this learner alone when their backlog would pass their share; the wait is its drain time. */
  async function checkLearnerShare(appUserId: string, incoming: number): Promise<void> {
    const pending = await outbox.pendingCountOf(appUserId, maxPendingEventsPerLearner);
    const excess = pending + incoming - maxPendingEventsPerLearner;
    if (excess <= 0) return;
    throw new ApiError(
      'rate_limited',
      'This learner has too many learning events waiting to be delivered; try again later.',
      { retryAfterSeconds: Math.min(300, Math.max(1, Math.ceil(excess / learnerEventsPerSecond))) },
    );
  }

  async function signedInAccount(c: Context<RouterEnv>, appUserId?: string): Promise<AccountRow> {
    appUserId ??= await requireAppUser(c, authenticate);
    // Both from the store on every request: an opt-out made by any process counts at once.
    const [account, optedOut] = await Promise.all([
      store.findByAppUserId(appUserId),
      store.isOptedOut(appUserId),
    ]);
    if (optedOut) throw new KnewtonOptedOutError();
    if (!account) {
      throw new ApiError('account_not_found', 'The signed-in user has no Knewton account yet.');
    }
    return account;
  }

  router.route(bffPaths.recommendation, {
    async GET(c) {
      const appUserId = await requireAppUser(c, authenticate);
      rateLimits.spend('recommendation', appUserId);
      const account = await signedInAccount(c, appUserId);
      const recommendation = await recommender.recommend(account, {
        requestId: c.get('requestId'),
      });
      return c.json(recommendation satisfies RecommendationResponse, 200);
    },
  });

  router.route(bffPaths.events, {
    async POST(c) {
      const appUserId = await requireAppUser(c, authenticate);
      rateLimits.spend('events', appUserId);
      const checked = checkEventsRequest(readJsonBody(c));
      if (!checked.ok) throw new ApiError('bad_request', checked.message);
      const events = checked.request.events;
      if (moduleIds) {
        const unknown = events.findIndex((event) => !moduleIds.has(event.moduleId));
        if (unknown >= 0) {
          throw new ApiError(
            'bad_request',
            `events[${unknown}].moduleId is not a module of this app's knowledge graph.`,
          );
        }
      }
      const account = await signedInAccount(c, appUserId);
      // The learner's own share first: a learner past it is told so, whatever the outbox's total.
      await checkLearnerShare(appUserId, events.length);
      if (await bound.wouldOverflow(events.length)) {
        throw new ApiError(
          'knewton_unavailable',
          'Learning events are not being delivered fast enough; try again shortly.',
          { retryAfterSeconds: 30 },
        );
      }
      // One id twice in a request is one event (the first one).
      const byId = new Map<string, LearningEventInput>();
      for (const event of events) if (!byId.has(event.id)) byId.set(event.id, event);
      const stored = await outbox.accept(
        account.appUserId,
        [...byId.values()].map((event) => ({
          eventId: event.id,
          payload: JSON.stringify(toPlatformEvent(event)),
        })),
      );
      bound.accepted(stored);
      delivery.nudge();
      return c.json({ accepted: events.length } satisfies EventsResponse, 202);
    },
  });
}
