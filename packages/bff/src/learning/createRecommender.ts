import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '../clock.js';
import { isKnewtonUnavailableError } from '../errors.js';
import { ApiError } from '../http/ApiError.js';
import type { LearningCalls, PlatformRecommendation } from '../platform/createLearningCalls.js';
import { PerTokenCallWindow } from '../platform/PerTokenCallWindow.js';
import type { PlatformCallContext as LearningCallContext } from '../platform/PlatformCallContext.js';
import {
  departureSlackMs,
  perTokenWindowMs,
  recommendationsPerMinute,
} from '../platform/platformLimits.js';
import type { AccountRow } from '../store/AccountStore.js';
import type { Registrar } from './createRegistrar.js';

const windowMs = perTokenWindowMs + departureSlackMs;

export interface RecommenderOptions {
  calls: LearningCalls;
  registrar: Registrar;
  /** How old a cached answer may be when the limit is reached; `0` serves none. */
  cacheMs: number;
  /** @default systemClock */
  clock?: Clock;
}

export interface Recommender {
  /** The learner's recommendation: registers them first if needed, paced under the per-token limit. */
  recommend(account: AccountRow, context?: LearningCallContext): Promise<PlatformRecommendation>;
}

interface CachedRecommendation {
  recommendation: PlatformRecommendation;
  at: number;
}

/**
 * Asks the platform with the learner's own token whenever its 15-a-minute budget allows, so the answer
 * reflects the learner's latest delivered events; when one more call would exceed the budget, serves the
 * learner's last answer if it is at most `cacheMs` old, else 429 `rate_limited` with `Retry-After`.
 * Concurrent requests of one learner share one platform call. Per process: behind several BFF processes
 * each keeps its own budget, so their sum can exceed the platform's limit (the platform then answers
 * 429, which becomes the cached answer or 503 with `Retry-After`).
 */
export function createRecommender(options: RecommenderOptions): Recommender {
  const { calls, registrar, cacheMs } = options;
  const clock = options.clock ?? systemClock;
  const budget = new PerTokenCallWindow(recommendationsPerMinute, windowMs, 10_000, clock);
  const cache = new LRUCache<string, CachedRecommendation>({ max: 10_000 });
  const inFlight = new Map<string, Promise<PlatformRecommendation>>();

  // Keyed by account id, never reused: a learner erased and provisioned again starts with nothing cached.
  function cached(accountId: string): PlatformRecommendation | undefined {
    const entry = cache.get(accountId);
    // `cacheMs: 0` is no cache at all, not "an answer from this same millisecond".
    return entry && cacheMs > 0 && clock.now() - entry.at <= cacheMs
      ? entry.recommendation
      : undefined;
  }

  async function ask(
    account: AccountRow,
    context: LearningCallContext | undefined,
  ): Promise<PlatformRecommendation> {
    const registrationId = await registrar.registrationId(account, context);
    const waitMs = budget.tryTake(account.externalId);
    if (waitMs > 0) {
      const last = cached(account.accountId);
      if (last) return last;
      throw new ApiError(
        'rate_limited',
        'Too many recommendation requests for this learner; try again later.',
        { retryAfterSeconds: Math.ceil(waitMs / 1000) },
      );
    }
    try {
      const recommendation = await calls.recommendation(
        account.externalId,
        registrationId,
        context,
      );
      cache.set(account.accountId, { recommendation, at: clock.now() });
      return recommendation;
    } catch (error) {
      // Limited by the platform after all (another process spent the budget): the cache, if fresh.
      const last =
        isKnewtonUnavailableError(error) && error.status === 429
          ? cached(account.accountId)
          : undefined;
      if (last) return last;
      throw error;
    }
  }

  return {
    recommend(account, context) {
      const running = inFlight.get(account.appUserId);
      if (running) return running;
      const pending = ask(account, context).finally(() => inFlight.delete(account.appUserId));
      inFlight.set(account.appUserId, pending);
      return pending;
    },
  };
}
