import { ApiError, type BffRouter, normalizeAppUserId, readJsonBody } from '@knewton-kit/bff';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { type DemoSessions, userIdProblem } from './demoSession.js';

export interface SessionRoutesOptions {
  /** Sign-ins one client address may make per minute; 0 for no limit. */
  signInsPerMinute: number;
  /**
   * The client address of a request (the TCP peer, never a header a client can write); `undefined` when
   * it is not known (a request handed to `fetch` without a socket), and then the limit does not apply.
   */
  clientAddress: (request: Request) => string | undefined;
}

/**
 * DEMO SIGN-IN, a stand-in for the partner app's own authentication: `POST /session {"userId"}` signs in
 * as anyone, with no password, at most `signInsPerMinute` times per client address (429 `rate_limited`
 * with `Retry-After` beyond that: each sign-in writes a session row). `GET /session` → `{userId}`, or
 * `{"userId": null}` when signed out; `DELETE /session` signs out and revokes the session on the server.
 */
export function registerSessionRoutes(
  router: BffRouter,
  sessions: DemoSessions,
  options: SessionRoutesOptions,
): void {
  // rate-limiter-flexible's in-memory limiter: per process, as the library's per-user limit is.
  const signIns =
    options.signInsPerMinute > 0
      ? new RateLimiterMemory({ points: options.signInsPerMinute, duration: 60 })
      : undefined;

  router.route('/session', {
    async GET(c) {
      const userId = await sessions.authenticate(c.req.raw);
      // A cookie that no longer works (revoked, expired, tampered) is dropped from the browser too.
      if (userId === undefined && sessions.hasCookie(c.req.raw)) sessions.forget(c);
      return c.json({ userId: userId ?? null }, 200);
    },
    async POST(c) {
      const address = options.clientAddress(c.req.raw);
      if (signIns && address !== undefined) {
        try {
          await signIns.consume(address);
        } catch (refusal) {
          if (!(refusal instanceof RateLimiterRes)) throw refusal;
          throw new ApiError(
            'rate_limited',
            'Too many sign-ins from this address; try again later.',
            {
              retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
            },
          );
        }
      }
      const body = readJsonBody(c);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ApiError('bad_request', 'Send a JSON object: {"userId": "..."}.');
      }
      const { userId } = body as { userId?: unknown };
      const problem = userIdProblem(userId);
      if (problem !== undefined) throw new ApiError('bad_request', problem);
      // The library's one spelling (NFC; lone surrogates, control and format characters refused as 400).
      const validUserId = normalizeAppUserId(userId);
      await sessions.signIn(c, validUserId);
      return c.json({ userId: validUserId }, 200);
    },
    async DELETE(c) {
      await sessions.signOut(c);
      return c.body(null, 204);
    },
  });
}
