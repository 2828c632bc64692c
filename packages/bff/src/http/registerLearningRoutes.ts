import { bffPaths, type RecommendationResponse } from '@knewton-kit/contract';
import type { Recommender } from '../learning/createRecommender.js';
import type { AccountStore } from '../store/AccountStore.js';
import { ApiError } from './ApiError.js';
import type { BffRouter } from './createBffRouter.js';
import { type Authenticate, requireAppUser } from './requireAppUser.js';

export interface LearningRoutesOptions {
  authenticate: Authenticate;
  /** Where provisioning mapped each user to an account and external id (the learner token's scope). */
  store: AccountStore;
  recommender: Recommender;
}

/**
 * `GET /recommendation`: the signed-in learner's next modules. Registers the learner in the app's
 * learning instance on first use; never creates the account (404 `account_not_found` without one).
 */
export function registerLearningRoutes(router: BffRouter, options: LearningRoutesOptions): void {
  const { authenticate, store, recommender } = options;
  router.route(bffPaths.recommendation, {
    async GET(c) {
      const appUserId = await requireAppUser(c, authenticate);
      const account = await store.findByAppUserId(appUserId);
      if (!account) {
        throw new ApiError('account_not_found', 'The signed-in user has no Knewton account yet.');
      }
      const recommendation = await recommender.recommend(account, {
        requestId: c.get('requestId'),
      });
      return c.json(recommendation satisfies RecommendationResponse, 200);
    },
  });
}
