import { CSRF_HEADER } from '@knewton-kit/contract';
import type { Context } from 'hono';

const allowMethods = 'GET, HEAD, PUT, POST, DELETE';
const allowHeaders = `${CSRF_HEADER}, Content-Type, X-Request-Id`;
const exposeHeaders = 'X-Request-Id, Retry-After';

export interface CorsAnswer {
  /** The CORS headers for this request's answer (`Vary: Origin` at least). */
  headers: Record<string, string>;
  /** A preflight, answered 204 with these headers and going no further. */
  preflight: boolean;
}

/**
 * CORS with credentials for the allowed origins only; other origins get no CORS headers, so their
 * browsers refuse to send the preflighted (`X-CSRF`) request at all. Returns the headers as a plain
 * object, which the conventions put on the answer together with the others in one pass.
 */
export function createCors(allowedOrigins: readonly string[]): (c: Context) => CorsAnswer {
  const allowed = new Set(allowedOrigins);
  return function allowCors(c) {
    const origin = c.req.header('Origin');
    const isAllowed = origin !== undefined && allowed.has(origin);
    const headers: Record<string, string> = isAllowed
      ? {
          vary: 'Origin',
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': exposeHeaders,
        }
      : { vary: 'Origin' };
    if (c.req.method !== 'OPTIONS' || c.req.header('Access-Control-Request-Method') === undefined) {
      return { headers, preflight: false };
    }
    if (isAllowed) {
      headers['access-control-allow-methods'] = allowMethods;
      headers['access-control-allow-headers'] = allowHeaders;
      headers['access-control-max-age'] = '600';
    }
    return { headers, preflight: true };
  };
}
