import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@knewton-kit/contract';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './ApiError.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequireCsrfOptions {
  /** Origins (scheme://host[:port]) whose pages may send state-changing requests. */
  allowedOrigins: readonly string[];
}

/**
 * Refuses every state-changing request that lacks `X-CSRF: 1` or carries an `Origin` outside the
 * allowlist. The custom header cannot be sent cross-site without a CORS preflight, and the Origin check
 * catches the preflight having been allowed by mistake; together they stop a foreign page from acting with
 * the user's cookies. Requests without `Origin` (server-to-server, curl) pass on the header alone.
 */
export function requireCsrf(options: RequireCsrfOptions): MiddlewareHandler {
  const allowed = new Set(options.allowedOrigins);
  return async function requireCsrf(c, next) {
    if (safeMethods.has(c.req.method)) return next();
    if (c.req.header(CSRF_HEADER) !== CSRF_HEADER_VALUE) {
      throw new ApiError(
        'csrf_rejected',
        `State-changing requests must carry the header ${CSRF_HEADER}: ${CSRF_HEADER_VALUE}.`,
      );
    }
    const origin = c.req.header('Origin');
    if (origin !== undefined && !allowed.has(origin)) {
      throw new ApiError('csrf_rejected', 'Requests from this origin are not allowed.');
    }
    return next();
  };
}
