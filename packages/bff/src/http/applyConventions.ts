import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.js';
import { acceptRequestId } from './acceptRequestId.js';
import { createCors } from './createCors.js';
import { logRequest } from './logRequest.js';
import type { RouterEnv } from './RouterEnv.js';
import { securityHeaders } from './securityHeaders.js';

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
  const cors = options.allowedOrigins.length > 0 ? createCors(options.allowedOrigins) : undefined;
  return async function applyConventions(c, next) {
    const started = performance.now();
    const requestId = acceptRequestId(c.req.header('X-Request-Id'));
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    if (cors?.(c)) c.res = c.body(null, 204);
    else await next();
    // In place: `c.header()` after the handler would copy the whole response.
    const headers = c.res.headers;
    for (const [name, value] of securityHeaders) headers.set(name, value);
    logRequest(logger, c, requestId, started);
  };
}
