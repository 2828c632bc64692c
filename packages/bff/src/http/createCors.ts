import { CSRF_HEADER } from '@knewton-kit/contract';
import type { Context } from 'hono';

const allowMethods = 'GET, HEAD, PUT, POST, DELETE';
const allowHeaders = `${CSRF_HEADER}, Content-Type, X-Request-Id`;
const exposeHeaders = 'X-Request-Id, Retry-After';

/**
 * CORS with credentials for the allowed origins only; other origins get no CORS headers, so their
 * browsers refuse to send the preflighted (`X-CSRF`) request at all. Returns whether the request was a
 * preflight, which is answered 204 and goes no further. Headers are set before the handler runs, which
 * Hono folds into the response it builds, instead of copying a finished response.
 */
export function createCors(allowedOrigins: readonly string[]): (c: Context) => boolean {
  const allowed = new Set(allowedOrigins);
  return function allowCors(c) {
    c.header('Vary', 'Origin');
    const origin = c.req.header('Origin');
    const isAllowed = origin !== undefined && allowed.has(origin);
    if (isAllowed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Allow-Credentials', 'true');
      c.header('Access-Control-Expose-Headers', exposeHeaders);
    }
    if (c.req.method !== 'OPTIONS' || c.req.header('Access-Control-Request-Method') === undefined) {
      return false;
    }
    if (isAllowed) {
      c.header('Access-Control-Allow-Methods', allowMethods);
      c.header('Access-Control-Allow-Headers', allowHeaders);
      c.header('Access-Control-Max-Age', '600');
    }
    return true;
  };
}
