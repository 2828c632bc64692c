import { type ErrorCode, isAppUserIdError } from '@knewton-kit/contract';
import { HTTPException } from 'hono/http-exception';
import {
  isKnewtonOptedOutError,
  isKnewtonUnavailableError,
  isStoreUnavailableError,
} from '../errors.js';
import { ApiError, isApiError } from './ApiError.js';

/** Codes for bare `HTTPException`s thrown by Hono itself or by host code, by status. */
const codeByStatus: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'csrf_rejected',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const genericMessages: Readonly<Record<ErrorCode, string>> = {
  bad_request: 'The request is malformed.',
  unauthenticated: 'Sign in first.',
  csrf_rejected: 'The request was refused as a possible cross-site request forgery.',
  knewton_opted_out: 'The signed-in learner opted out of Knewton features.',
  account_not_found: 'The signed-in user has no Knewton account yet.',
  not_found: 'There is no such route.',
  method_not_allowed: 'This route does not accept that method.',
  request_timeout: 'The request took too long to arrive.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'The request body must be JSON (Content-Type: application/json).',
  headers_too_large: 'The request headers are too large.',
  rate_limited: 'Too many requests; try again later.',
  internal_error: 'Something went wrong on our side.',
  knewton_unavailable: 'The Knewton Platform is unavailable; try again later.',
  store_unavailable: 'The account store is unavailable; try again later.',
};

/**
 * Turns anything thrown while answering into the contract error it stands for. Only `ApiError` messages
 * reach the caller verbatim; everything else gets the code's generic message, because messages of other
 * errors were written for logs, not for browsers.
 */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) return error;
  // Its message names the problem and the code point, never the id, so it may reach the caller.
  if (isAppUserIdError(error)) return new ApiError('bad_request', error.message, { cause: error });
  if (isKnewtonOptedOutError(error)) {
    return new ApiError('knewton_opted_out', genericMessages.knewton_opted_out, { cause: error });
  }
  if (isKnewtonUnavailableError(error)) {
    return new ApiError('knewton_unavailable', genericMessages.knewton_unavailable, {
      retryAfterSeconds: error.retryAfterSeconds,
      cause: error,
    });
  }
  if (isStoreUnavailableError(error)) {
    return new ApiError('store_unavailable', genericMessages.store_unavailable, {
      retryAfterSeconds: error.retryAfterSeconds,
      cause: error,
    });
  }
  if (error instanceof HTTPException) {
    const code = codeByStatus[error.status] ?? 'internal_error';
    return new ApiError(code, genericMessages[code], { cause: error });
  }
  return new ApiError('internal_error', genericMessages.internal_error, { cause: error });
}
