import type { ErrorCode } from '@knewton-kit/contract';

/**
 * What failed: a contract error code from the BFF, `network_error` when no answer arrived, or
 * `invalid_response` when the answer was not in the contract's shape (often a wrong `baseUrl`).
 */
export type KnewtonAccountErrorCode = ErrorCode | 'network_error' | 'invalid_response';

export interface KnewtonAccountErrorDetails {
  code: KnewtonAccountErrorCode;
  /** The HTTP status, or `undefined` when no answer arrived. */
  status?: number | undefined;
  /** The id the BFF logged the request under, for support. */
  requestId?: string | undefined;
  /** The answer's `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * Why the signed-in user's Knewton account id could not be had; every kit error is one. One class
 * with a `code` rather than a class per code keeps the kit small; the `isKnewton...Error` guards
 * sort codes into families.
 */
export class KnewtonAccountError extends Error {
  override name = 'KnewtonAccountError' as const;
  declare readonly code: KnewtonAccountErrorCode;
  declare readonly status: number | undefined;
  declare readonly requestId: string | undefined;
  declare readonly retryAfterMs: number | undefined;
  /** Whether the same request may succeed later: no answer, a 5xx or a 429. Only these are retried. */
  declare readonly retryable: boolean;

  constructor(message: string, details: KnewtonAccountErrorDetails) {
    super(message);
    // No status (no answer) compares false, so it counts as retryable.
    Object.assign(this, details, {
      retryable: !((details.status as number) < 500) || details.status === 429,
    });
  }
}
