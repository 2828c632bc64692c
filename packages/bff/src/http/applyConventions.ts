import type { MiddlewareHandler } from 'hono';
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
}

/**
 * What every answer gets, in one middleware because each extra layer costs on the warm path: a request id
 * (echoed in `X-Request-Id`), CORS for the allowed origins (answering their preflights), the
 * {@link securityHeaders} (`Cache-Control: no-store` among them), and one log line.
 */
export function applyConventions(options: ConventionsOptions): MiddlewareHandler<RouterEnv> {
  const { logger } = options;
  // The library's default logger writes nothing: building a line for it (route template, latency) was
  // about 2% of the warm path's CPU for no output.
  const logs = logger !== silentLogger;
  const cors = options.allowedOrigins.length > 0 ? createCors(options.allowedOrigins) : undefined;
  return async function applyConventions(c, next) {
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
    if (answer?.preflight) c.res = c.body(null, 204, headers);
    else await next();
    // Answers made otherwise (`c.json`, errors, a host's own routes) get the same headers in place;
    // `c.header()` after the handler would copy the whole response.
    if (!carriesConventionHeaders(c.res)) {
      const target = c.res.headers;
      for (const name in headers) target.set(name, headers[name] as string);
    }
    if (logs) logRequest(logger, c, requestId, started);
  };
}
