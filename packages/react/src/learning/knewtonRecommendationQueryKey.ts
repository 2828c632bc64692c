import { knewtonAccountQueryKey } from '../knewtonAccountQueryKey.js';

export type KnewtonRecommendationQueryKey = readonly [
  'knewton-kit',
  'account',
  string | undefined,
  'recommendation',
];

/**
 * The cache key of one user's recommendation: under the user's account key, so it is per user and
 * the provider's sign-out (which removes everything under `['knewton-kit', 'account']`) forgets it.
 */
export function knewtonRecommendationQueryKey(
  userId: string | undefined,
): KnewtonRecommendationQueryKey {
  return [...knewtonAccountQueryKey(userId), 'recommendation'];
}
