export type { AccountResponse } from './account.js';
export { parseAccountResponse } from './account.js';
export type { AccountQueuedResponse } from './accountQueued.js';
export { parseAccountQueuedResponse } from './accountQueued.js';
export type { ErrorBody } from './errorBody.js';
export { parseErrorBody } from './errorBody.js';
export type { ErrorCode } from './errorCodes.js';
export { errorStatus, isErrorCode, retryableErrorCodes } from './errorCodes.js';
export type { PiiKind } from './findPii.js';
export { findPii, looksLikePii } from './findPii.js';
export type {
  EventsRequest,
  EventsRequestCheck,
  EventsResponse,
  LearningEventInput,
  LearningEventType,
} from './learningEvents.js';
export { checkEventsRequest, MAX_EVENTS_PER_REQUEST } from './learningEvents.js';
export type { AppUserIdProblem } from './normalizeAppUserId.js';
export {
  AppUserIdError,
  isAppUserIdError,
  maxAppUserIdLength,
  normalizeAppUserId,
} from './normalizeAppUserId.js';
export {
  BFF_ACCOUNT_PATH,
  bffPaths,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  KNEWTON_BFF_BASE_PATH,
} from './paths.js';
export type { RecommendationResponse, RecommendationStatus } from './recommendation.js';
export { parseRecommendationResponse } from './recommendation.js';
