import { KnewtonError } from '../errors/KnewtonError.js';

/** Why the learner's recommendation could not be had (`GET /recommendation`). */
export class KnewtonRecommendationError extends KnewtonError {
  override name = 'KnewtonRecommendationError' as const;
}
