import {
  bffPaths,
  parseRecommendationResponse,
  type RecommendationResponse,
} from '@knewton-kit/contract';
import { toKnewtonAccountError } from '../errors/toKnewtonAccountError.js';
import type { KnewtonClientOptions } from '../KnewtonClientOptions.js';
import { knewtonRequest } from './knewtonRequest.js';

/** `GET {baseUrl}/recommendation`, checked against the contract's shape. */
export async function fetchKnewtonRecommendation(
  options: KnewtonClientOptions,
): Promise<RecommendationResponse> {
  const json = await knewtonRequest(options, bffPaths.recommendation, 200);
  const recommendation = parseRecommendationResponse(json);
  if (recommendation) return recommendation;
  // A 200 in another shape is usually a wrong `baseUrl` (an HTML page): not worth retrying.
  throw toKnewtonAccountError(
    `GET ${bffPaths.recommendation}`,
    new Response(null, { status: 200 }),
  );
}
