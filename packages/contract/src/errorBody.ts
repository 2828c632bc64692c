import { type ErrorCode, isErrorCode } from './errorCodes.js';

/** The one JSON shape of every error the BFF answers with. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    /** For people: what went wrong. Never contains secrets or personal data. */
    message: string;
    /** Whether the same request may succeed if sent again later. */
    retryable: boolean;
    /** The id the BFF logged this request under, for support. */
    requestId: string;
  };
}

/** Reads an {@link ErrorBody} from untrusted JSON, or returns `undefined` if it is not one. */
export function parseErrorBody(json: unknown): ErrorBody | undefined {
  const error = (json as { error?: Record<string, unknown> } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, retryable, requestId } = error;
  return isErrorCode(code) &&
    typeof message === 'string' &&
    typeof retryable === 'boolean' &&
    typeof requestId === 'string'
    ? { error: { code, message, retryable, requestId } }
    : undefined;
}
