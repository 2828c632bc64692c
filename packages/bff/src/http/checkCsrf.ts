import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@knewton-kit/contract';
import type { Context } from 'hono';
import { ApiError } from './ApiError.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request that lacks `X-CSRF: 1` or carries an `Origin` outside the allowlist.
 * The custom header cannot be sent cross-site without a CORS preflight, and the Origin check catches the
 * preflight having been allowed by mistake; together they stop a foreign page from acting with the user's
 * cookies. Requests without `Origin` (server-to-server, curl) pass on the header alone.
 */
export function checkCsrf(c: Context, allowedOrigins: ReadonlySet<string>): void {
  if (safeMethods.has(c.req.method)) return;
  if (c.req.header(CSRF_HEADER) !== CSRF_HEADER_VALUE) {
    throw new ApiError(
      'csrf_rejected',
      `State-changing requests must carry the header ${CSRF_HEADER}: ${CSRF_HEADER_VALUE}.`,
    );
  }
  const origin = c.req.header('Origin');
  if (origin !== undefined && !allowedOrigins.has(origin)) {
    throw new ApiError('csrf_rejected', 'Requests from this origin are not allowed.');
  }
}
