import { type ErrorCode, errorStatus } from '@knewton-kit/contract';
import { HTTPException } from 'hono/http-exception';

export interface ApiErrorOptions {
  /** Seconds after which the same request may succeed; sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** Extra response headers, e.g. `Allow` on a 405. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error answer of the contract, thrown wherever it is detected and turned into the one JSON error
 * shape by the router's error handler. Its message is shown to the caller: no secrets, no personal data.
 */
export class ApiError extends HTTPException {
  override name = 'ApiError' as const;
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(errorStatus[code], { message, cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError || (error as Error | undefined)?.name === 'ApiError';
}
