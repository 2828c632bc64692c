import {
  bffPaths,
  KNEWTON_BFF_BASE_PATH,
  parseRecommendationResponse,
  type RecommendationResponse,
} from '@knewton-kit/contract';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../http/apiRequest.js';

export const recommendationQueryKeyRoot = ['recommendation'] as const;

/**
 * The learner's next recommendation. Keyed by account id, so one user's recommendation is never shown
 * to another; only ever enabled inside a `KnewtonGate`, once the account exists.
 */
export function recommendationQueryOptions(accountId: string) {
  return queryOptions({
    queryKey: [...recommendationQueryKeyRoot, accountId],
    queryFn: async ({ signal }): Promise<RecommendationResponse> => {
      const json = await apiRequest<unknown>(`${KNEWTON_BFF_BASE_PATH}${bffPaths.recommendation}`, {
        signal,
      });
      const recommendation = parseRecommendationResponse(json);
      if (!recommendation)
        throw new Error('The recommendation answer was not in the expected shape.');
      return recommendation;
    },
    staleTime: 60_000,
    retry: 1,
  });
}
