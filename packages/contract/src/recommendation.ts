/** How settled the platform's recommendation is, as the platform reports it. */
export type RecommendationStatus = 'in progress' | 'ready' | 'unfocused';

const recommendationStatuses: ReadonlySet<string> = new Set<RecommendationStatus>([
  'in progress',
  'ready',
  'unfocused',
]);

/** The body of a successful `GET /recommendation`: what the signed-in learner should study next. */
export interface RecommendationResponse {
  /**
   * The platform's id for this recommendation (a non-negative 64-bit integer), as a decimal string
   * because it may exceed `Number.MAX_SAFE_INTEGER`.
   */
  recommendationId: string;
  /** Module ids (`mref-...`), most preferred first; at most 10. */
  moduleIds: string[];
  status: RecommendationStatus;
}

/** Reads a {@link RecommendationResponse} from untrusted JSON, or returns `undefined` if it is not one. */
export function parseRecommendationResponse(json: unknown): RecommendationResponse | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { recommendationId, moduleIds, status } = json as Record<string, unknown>;
  if (typeof recommendationId !== 'string' || !/^\d+$/.test(recommendationId)) return undefined;
  if (!Array.isArray(moduleIds) || !moduleIds.every((id) => typeof id === 'string'))
    return undefined;
  if (typeof status !== 'string' || !recommendationStatuses.has(status)) return undefined;
  return { recommendationId, moduleIds: [...moduleIds], status: status as RecommendationStatus };
}
