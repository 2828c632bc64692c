/**
 * Every error the BFF answers with, and its HTTP status. The status is part of the contract: clients
 * may branch on either, and the two never disagree.
 */
export const errorStatus = {
  bad_request: 400,
  unauthenticated: 401,
  csrf_rejected: 403,
  /**
   * The signed-in learner opted out of Knewton features: nothing is created or sent for them until they
   * opt back in. A settled answer, not a failure: asking again gives the same answer.
   */
  knewton_opted_out: 403,
  account_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  /** The HTTP server's own answer to a client that took too long to send its request. */
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** The HTTP server's own answer to request headers over its limit. */
  headers_too_large: 431,
  rate_limited: 429,
  internal_error: 500,
  knewton_unavailable: 503,
  store_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** Codes a client may retry unchanged: the server or the platform behind it was busy or down. */
export const retryableErrorCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'internal_error',
  'knewton_unavailable',
  'store_unavailable',
]);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorStatus, value);
}
