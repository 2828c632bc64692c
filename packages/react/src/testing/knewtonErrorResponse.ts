import {
  type ErrorBody,
  type ErrorCode,
  errorStatus,
  retryableErrorCodes,
} from '@knewton-kit/contract';

/** The contract's error body for `code`, as a test stand-in for the BFF sends it. */
export function knewtonErrorBody(code: ErrorCode): ErrorBody {
  return {
    error: {
      code,
      message: `Test answer: ${code}.`,
      retryable: retryableErrorCodes.has(code),
      requestId: 'test-request',
    },
  };
}

/**
 * The BFF's answer for `code`, in the contract's shape and status; retryable codes carry
 * `Retry-After`. A plain `Response`, so it serves MSW handlers and custom `fetch` stubs alike.
 */
export function knewtonErrorResponse(code: ErrorCode, retryAfterSeconds = 1): Response {
  return Response.json(knewtonErrorBody(code), {
    status: errorStatus[code],
    headers: retryableErrorCodes.has(code) ? { 'Retry-After': String(retryAfterSeconds) } : {},
  });
}
