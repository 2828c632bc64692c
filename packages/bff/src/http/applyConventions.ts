import type { Context, Handler } from 'hono';
import { type Logger, silentLogger } from '../logger.js';
import { acceptRequestId } from './acceptRequestId.js';
import { createCors } from './createCors.js';
import { logRequest } from './logRequest.js';
import type { RouterEnv } from './RouterEnv.js';
import { carriesConventionHeaders } from './respondJson.js';
import { securityHeaderRecord } from './securityHeaders.js';

export interface ConventionsOptions {
  logger: Logger;
  allowedOrigins: readonly string[];
  /** Turns anything a handler throws into the contract's JSON error (the router's `onError`). */
  handleError: (error: Error, c: Context<RouterEnv>) => Response;
}

/** Wraps one handler so that it follows the conventions; see {@link applyConventions}. */
export type ApplyConventions = (handler: Handler<RouterEnv>) => Handler<RouterEnv>;

/**
 * What every answer gets: a request id (echoed in `X-Request-Id`), CORS for the allowed origins
 * (answering their preflights), the {@link securityHeaders} (`Cache-Control: no-store` among them), the
 * one JSON error shape for anything thrown, and one log line.
 *
 * A wrapper around each route's handler, not a Hono middleware: Hono calls a one-handler route directly,
 * without `compose` and its async steps (about a tenth of the warm path's CPU), so a sync answer stays sync.
 */
export function applyConventions(options: ConventionsOptions): ApplyConventions {
  const { logger, handleError } = options;
  // The default logger writes nothing, and building a line for it costs ~2% of the warm path's CPU.
  const logs = logger !== silentLogger;
  const cors = options.allowedOrigins.length > 0 ? createCors(options.allowedOrigins) : undefined;

  function finish(
    c: Context<RouterEnv>,
    response: Response,
    headers: Record<string, string>,
    started: number,
  ): Response {
    // Answers made otherwise (`c.json`, errors, a host's own routes) get the same headers in place;
    // `c.header()` after the handler would copy the whole response.
    if (!carriesConventionHeaders(response)) {
      const target = response.headers;
      for (const name in headers) target.set(name, headers[name] as string);
    }
    c.res = response;
    if (logs) logRequest(logger, c, c.get('requestId'), started);
    return response;
  }

  return (handler) =>
    function withConventions(c, next) {
      // Always read: the log line's latency and the account route's ~5 s hold both count from here.
      const started = performance.now();
      const requestId = acceptRequestId(c.req.header('X-Request-Id'));
      c.set('requestId', requestId);
      c.set('receivedAt', started);
      const answer = cors?.(c);
      // One plain object per request: `respondJson` hands it to the Response in one go.
      const headers: Record<string, string> = {
        ...securityHeaderRecord,
        'x-request-id': requestId,
        ...answer?.headers,
      };
      c.set('conventionHeaders', headers);
      if (answer?.preflight) return finish(c, c.body(null, 204, headers), headers, started);
      let result: ReturnType<Handler<RouterEnv>>;
      try {
        result = handler(c, next);
      } catch (error) {
        return finish(c, handleError(asError(error), c), headers, started);
      }
      if (result instanceof Response) return finish(c, result, headers, started);
      return Promise.resolve(result).then(
        (response) => finish(c, response ?? c.res, headers, started),
        (error: unknown) => finish(c, handleError(asError(error), c), headers, started),
      );
    };
}

/** Hono's `onError` takes an `Error`; a host handler may throw anything. */
function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown), { cause: thrown });
}
