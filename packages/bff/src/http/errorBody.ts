import { type ErrorBody, type ErrorCode, retryableErrorCodes } from '@knewton-kit/contract';

/** The one JSON error body of the contract; `retryable` follows from the code. */
export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, retryable: retryableErrorCodes.has(code), requestId } };
}
