import type { ErrorCode } from '@knewton-kit/contract';

/**
 * What failed: a contract error code from the BFF, `network_error` when no answer arrived, or
 * `invalid_response` when the answer was not in the contract's shape (often a wrong `baseUrl`).
 */
export type KnewtonErrorCode = ErrorCode | 'network_error' | 'invalid_response';

export interface KnewtonErrorDetails {
  code: KnewtonErrorCode;
  /** The HTTP status, or `undefined` when no answer arrived. */
  status?: number | undefined;
  /** The id the BFF logged the request under, for support. */
  requestId?: string | undefined;
  /** The answer's `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * A failed exchange with the BFF. The kit throws one subclass per route (`KnewtonAccountError`,
 * `KnewtonRecommendationError`, `KnewtonEventsError`); `code` says what failed.
 */
export class KnewtonError extends Error {
  override name: string = 'KnewtonError';
  declare readonly code: KnewtonErrorCode;
  declare readonly status: number | undefined;
  declare readonly requestId: string | undefined;
  declare readonly retryAfterMs: number | undefined;
  /** Whether the same request may succeed later: no answer, a 5xx or a 429. Only these are retried. */
  declare readonly retryable: boolean;

  constructor(message: string, details: KnewtonErrorDetails) {
    super(message, { cause: details.cause });
    const { status } = details;
    Object.assign(this, details, {
      retryable: status === undefined || status >= 500 || status === 429,
    });
  }
}

/** A subclass of `KnewtonError`, as `toKnewtonError` builds one. */
export type KnewtonErrorClass<E extends KnewtonError> = new (
  message: string,
  details: KnewtonErrorDetails,
) => E;
