import { ApiError, type BffRouter, normalizeAppUserId, readJsonBody } from '@knewton-kit/bff';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import {
  type DemoSessions,
  sessionCookieName,
  sessionMaxAgeSeconds,
  userIdProblem,
} from './demoSession.js';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `Secure` everywhere except plain-http localhost, where browsers would drop a `Secure` cookie. */
function cookieIsSecure(c: Context): boolean {
  const url = new URL(c.req.url);
  return !(url.protocol === 'http:' && loopbackHosts.has(url.hostname));
}

/**
 * DEMO SIGN-IN, a stand-in for the partner app's own authentication: `POST /session {"userId"}` signs in
 * as anyone, with no password. `GET /session` → `{userId}` or 401; `DELETE /session` signs out.
 */
export function registerSessionRoutes(router: BffRouter, sessions: DemoSessions): void {
  router.route('/session', {
    GET(c) {
      const userId = sessions.authenticate(c.req.raw);
      if (userId === undefined) throw new ApiError('unauthenticated', 'Nobody is signed in.');
      return c.json({ userId }, 200);
    },
    POST(c) {
      const body = readJsonBody(c);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ApiError('bad_request', 'Send a JSON object: {"userId": "..."}.');
      }
      const { userId } = body as { userId?: unknown };
      const problem = userIdProblem(userId);
      if (problem !== undefined) throw new ApiError('bad_request', problem);
      // The library's one spelling (NFC; lone surrogates, control and format characters refused as 400).
      const validUserId = normalizeAppUserId(userId);
      setCookie(c, sessionCookieName, sessions.issue(validUserId), {
        httpOnly: true,
        sameSite: 'Lax',
        secure: cookieIsSecure(c),
        path: '/',
        maxAge: sessionMaxAgeSeconds,
      });
      return c.json({ userId: validUserId }, 200);
    },
    DELETE(c) {
      deleteCookie(c, sessionCookieName, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: cookieIsSecure(c),
        path: '/',
      });
      return c.body(null, 204);
    },
  });
}
