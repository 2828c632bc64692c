import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../logger.js';

/**
 * One structured line per request: request id, method, route template, status, latency. The template,
 * never the raw path, is logged, so nothing a caller puts in a URL (a user id, an email) reaches the logs.
 */
export function logRequest(logger: Logger, c: Context, requestId: string, started: number): void {
  logger.info(
    {
      requestId,
      method: c.req.method,
      route: routeTemplate(matchedRoutes(c)),
      status: c.res.status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
    },
    'request',
  );
}

/** The route the request matched, ignoring the `*` paths of middleware; `(unmatched)` for a 404. */
function routeTemplate(routes: readonly { path: string }[]): string {
  for (let i = routes.length - 1; i >= 0; i--) {
    const path = routes[i]?.path;
    if (path !== undefined && !path.endsWith('*')) return path;
  }
  return '(unmatched)';
}
