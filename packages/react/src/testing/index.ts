export type { KnewtonTestProviderProps, KnewtonTestState } from './KnewtonTestProvider.js';
export { KnewtonTestProvider } from './KnewtonTestProvider.js';
export { knewtonErrorResponse } from './knewtonErrorResponse.js';
export type { KnewtonHandlersOptions } from './knewtonHandlers.js';
export { knewtonHandlers, testKnewtonAccountId } from './knewtonHandlers.js';
export type {
  KnewtonLearningFake,
  KnewtonLearningHandlersOptions,
} from './knewtonLearningHandlers.js';
export { knewtonLearningHandlers } from './knewtonLearningHandlers.js';
export { knewtonTestQueryClient } from './knewtonTestQueryClient.js';
