export type { KnewtonEventQueue, KnewtonEventQueueOptions } from './createKnewtonEventQueue.js';
export { createKnewtonEventQueue } from './createKnewtonEventQueue.js';
export type { KnewtonLearningEvent } from './KnewtonLearningEvent.js';
export type { KnewtonRecommendationQueryKey } from './knewtonRecommendationQueryKey.js';
export { knewtonRecommendationQueryKey } from './knewtonRecommendationQueryKey.js';
export type { UseKnewtonEventsResult } from './useKnewtonEvents.js';
export { useKnewtonEvents } from './useKnewtonEvents.js';
export type { UseKnewtonRecommendationResult } from './useKnewtonRecommendation.js';
export { useKnewtonRecommendation } from './useKnewtonRecommendation.js';
