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
import type { AccountRow, AccountStore } from '../store/AccountStore.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';
import { ApiError } from './ApiError.js';
import type { BffRouter } from './createBffRouter.js';
import type { RouterEnv } from './RouterEnv.js';
import { readJsonBody } from './readJsonBody.js';
import { type Authenticate, requireAppUser } from './requireAppUser.js';

export interface LearningRoutesOptions {
  authenticate: Authenticate;
  /** Where provisioning mapped each user to an account and external id (the learner token's scope). */
  store: AccountStore;
  recommender: Recommender;
  delivery: EventDelivery;
  /**
   * Undelivered events the outbox may hold; beyond, 503 with `Retry-After` (checked against a count at
   * most a second old, see `createOutboxBound`).
   */
  maxPendingEvents: number;
}

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
  const { authenticate, store, recommender, delivery, maxPendingEvents } = options;
  const outbox = createEventOutboxQueries(store);
  const bound = createOutboxBound(outbox, maxPendingEvents);

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
      const account = await signedInAccount(c);
      const recommendation = await recommender.recommend(account, {
        requestId: c.get('requestId'),
      });
      return c.json(recommendation satisfies RecommendationResponse, 200);
    },
  });

  router.route(bffPaths.events, {
    async POST(c) {
      const appUserId = await requireAppUser(c, authenticate);
      const checked = checkEventsRequest(readJsonBody(c));
      if (!checked.ok) throw new ApiError('bad_request', checked.message);
      const account = await signedInAccount(c, appUserId);
      const events = checked.request.events;
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
