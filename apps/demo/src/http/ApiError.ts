import type { ErrorBody } from '@knewton-kit/contract';

/** A non-2xx answer from the app's own API, with the BFF's error body when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError' as const;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: ErrorBody | undefined,
  ) {
    super(`${method} ${url} failed with ${status}${body ? `: ${body.error.message}` : ''}`);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError || (error as Error | undefined)?.name === 'ApiError';
}
