import { type Handler, Hono } from 'hono';
import { METHOD_NAME_ALL } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { isLogger, type Logger } from '../logger.js';
import { ApiError } from './ApiError.js';
import { applyConventions } from './applyConventions.js';
import { checkCsrf } from './checkCsrf.js';
import { createErrorHandler } from './handleError.js';
import { isOrigin } from './isOrigin.js';
import type { RouterEnv } from './RouterEnv.js';
import { readBodyUnderLimit } from './readBodyUnderLimit.js';

export interface BffRouterOptions {
  /** Receives one line per request and one per server-side failure. */
  logger: Logger;
  /** Origins allowed to send state-changing requests (and to read answers cross-origin). */
  allowedOrigins: readonly string[];
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Path prefix of every route, e.g. `/api/knewton`; `''` for none. */
  basePath: string;
}

export type RouteMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';

export interface BffRouter {
  /**
   * The Hono app; its `fetch` is the Web-standard handler. Register routes with {@link BffRouter.route}:
   * the conventions are applied to each route's handler (and to the 404/405 answers), so a handler added
   * to `app` directly would answer without them.
   */
  app: Hono<RouterEnv>;
  /**
   * Registers one path with a handler per method, behind the CSRF check and the body limit. Any other
   * method gets 405 `method_not_allowed` with `Allow` (Hono alone would answer 404).
   */
  route(path: string, handlers: Partial<Record<RouteMethod, Handler<RouterEnv>>>): void;
}

/**
 * A Hono app that already follows the BFF's rules, for the Knewton routes and for a host's own routes
 * beside them: request ids, one log line per request, secure headers, `Cache-Control: no-store`, CORS for
 * the allowed origins, and the one JSON error shape for everything that goes wrong, including unknown paths
 * and methods. Routed requests then pass the CSRF check and the body limit, in that order, so a request
 * that names no route is answered 404/405 without its body being read.
 */
export function createBffRouter(options: BffRouterOptions): BffRouter {
  checkRouterOptions(options);
  const app = new Hono<RouterEnv>({ strict: true }).basePath(options.basePath || '/');
  const handleError = createErrorHandler(options.logger);
  const conventional = applyConventions({
    logger: options.logger,
    allowedOrigins: options.allowedOrigins,
    handleError,
  });
  // Only reached by something thrown outside a route's handler (the conventions catch the rest).
  app.onError(handleError);
  // The `Allow` list of every registered path, for the 405. Kept out of `app`: an `app.all` beside the
  // method handlers would make Hono match and compose two handlers on every request.
  const allowByPath = new TrieRouter<string>();
  const answerUnrouted = conventional(function notFound(c) {
    const allow = allowByPath.match(c.req.method, c.req.path)[0][0]?.[0];
    if (allow === undefined) throw new ApiError('not_found', 'There is no such route.');
    throw new ApiError('method_not_allowed', `This route accepts ${allow}.`, {
      headers: { Allow: allow },
    });
  });
  // The wrapped handler answers with a Response (or a promise of one): it never calls `next`.
  app.notFound((c) => answerUnrouted(c, async () => {}) as Response | Promise<Response>);

  const allowedOrigins = new Set(options.allowedOrigins);
  const prefix = options.basePath;

  return {
    app,
    route(path, handlers) {
      const methods = Object.keys(handlers) as RouteMethod[];
      for (const method of methods) {
        const handler = handlers[method];
        if (!handler) continue;
        // The guards run inside the one handler rather than as two more middleware: same order, no
        // `compose`, and no extra async step when there is no body to read.
        app.on(
          method,
          path,
          conventional(function guarded(c, next) {
            checkCsrf(c, allowedOrigins);
            const reading = readBodyUnderLimit(c, options.maxBodyBytes);
            return reading ? reading.then(() => handler(c, next)) : handler(c, next);
          }),
        );
      }
      const allow = methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])).join(', ');
      allowByPath.add(METHOD_NAME_ALL, `${prefix}${path}`, allow);
    },
  };
}

/** The router is public API too: a host building its own routes gets the same named-option errors. */
function checkRouterOptions(options: BffRouterOptions): void {
  const fail = (message: string): never => {
    throw new TypeError(`createBffRouter: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('options must be an object.');
  const { logger, allowedOrigins, maxBodyBytes, basePath } = options;
  if (!isLogger(logger)) {
    fail('`logger` must have debug, info, warn and error methods.');
  }
  // An entry that is not an exact origin (a trailing slash, a path, `*`) would never match any request.
  if (!Array.isArray(allowedOrigins) || !allowedOrigins.every(isOrigin)) {
    fail(
      '`allowedOrigins` must be an array of origins (scheme://host[:port], no path or trailing slash).',
    );
  }
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    fail('`maxBodyBytes` must be a positive integer.');
  }
  if (typeof basePath !== 'string' || !/^(\/[\w.~-]+)*$/.test(basePath)) {
    fail('`basePath` must be "" or a path like "/api" (no trailing slash).');
  }
}
