import type { Context } from 'hono';
import type { Logger } from '../logger.js';
import { errorBody } from './errorBody.js';
import type { RouterEnv } from './RouterEnv.js';
import { toApiError } from './toApiError.js';

/**
 * The router's `onError`: the single place where anything thrown becomes the contract's JSON error.
 * Server-side failures are logged with the error's name and message (never the request), so support can
 * find them by request id.
 */
export function createErrorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context<RouterEnv>): Response {
    const apiError = toApiError(error);
    const requestId = c.get('requestId') ?? 'unknown';
    if (apiError.status >= 500) {
      const cause = apiError.cause ?? apiError;
      // A bug is an error; the platform or store being down is an expected condition worth a warning.
      const fields = {
        requestId,
        code: apiError.code,
        error:
          cause instanceof Error ? { name: cause.name, message: cause.message } : String(cause),
      };
      // Called as methods: pino's level functions need their `this`.
      if (apiError.code === 'internal_error') logger.error(fields, 'request failed');
      else logger.warn(fields, 'request failed');
    }
    const headers: Record<string, string> = { ...apiError.headers, 'Cache-Control': 'no-store' };
    if (apiError.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(apiError.retryAfterSeconds)));
    }
    return c.json(
      errorBody(apiError.code, apiError.message, requestId),
      apiError.status as 400,
      headers,
    );
  };
}
