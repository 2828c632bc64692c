import { ApiError } from './ApiError.js';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './createRateLimiter.js';

/** The routes that spend a per-user request budget; each route has its own. */
export type RateLimitedRoute = 'account' | 'recommendation' | 'events';

/** Each route's budget, or `false` for none. */
export type RouteRateLimits = Record<RateLimitedRoute, RateLimitOptions | false>;

export const rateLimitedRoutes: readonly RateLimitedRoute[] = [
  'account',
  'recommendation',
  'events',
];

const what: Record<RateLimitedRoute, string> = {
  account: 'account requests',
  recommendation: 'recommendation requests',
  events: 'learning event requests',
};

/** The one per-user request limit of every route: spend a request or get 429 `rate_limited`. */
export interface UserRateLimits {
  /** Spends one of `appUserId`'s requests on `route`; throws 429 `rate_limited` with `Retry-After` past it. */
  spend(route: RateLimitedRoute, appUserId: string): void;
}

/**
 * One token bucket per route and user (`createRateLimiter`), so a learner posting events does not spend
 * the budget of their account or recommendation requests, and one user's 429 never touches another user.
 */
export function createUserRateLimits(limits: RouteRateLimits, now?: () => number): UserRateLimits {
  const limiters = new Map<RateLimitedRoute, RateLimiter>();
  for (const route of rateLimitedRoutes) {
    const options = limits[route];
    if (options !== false) limiters.set(route, createRateLimiter(options, now));
  }
  return {
    spend(route, appUserId) {
      const retryAfterSeconds = limiters.get(route)?.take(appUserId) ?? 0;
      if (retryAfterSeconds > 0) {
        throw new ApiError('rate_limited', `Too many ${what[route]}; try again later.`, {
          retryAfterSeconds,
        });
      }
    },
  };
}
