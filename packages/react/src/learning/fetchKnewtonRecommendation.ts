import {
  bffPaths,
  parseRecommendationResponse,
  type RecommendationResponse,
} from '@knewton-kit/contract';
import type { KnewtonClientOptions } from '../KnewtonClientOptions.js';
import { knewtonRequest } from '../knewtonRequest.js';
import { KnewtonRecommendationError } from './KnewtonRecommendationError.js';

/**
 * `GET {baseUrl}/recommendation`, checked against the contract's shape: a 200 in another shape is
 * usually a wrong `baseUrl` (an HTML page), an `invalid_response` not worth retrying.
 */
export function fetchKnewtonRecommendation(
  options: KnewtonClientOptions,
): Promise<RecommendationResponse> {
  return knewtonRequest(options, {
    method: 'GET',
    path: bffPaths.recommendation,
    read: ({ status, json }) => (status === 200 ? parseRecommendationResponse(json) : undefined),
    Failure: KnewtonRecommendationError,
  });
}
