import { createHmac, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * The demo sign-in's session cookie: `<base64url(userId)>.<expires epoch s>.<HMAC-SHA256>`. A stand-in for
 * the partner app's own authentication, nothing more: it proves only that this server issued the cookie.
 */
export const sessionCookieName = 'knewton_demo_session';
/** @default 7 days */
export const sessionMaxAgeSeconds = 7 * 24 * 60 * 60;
export const maxUserIdLength = 128;
/** Cookie values whose signature was verified, kept so a signed-in user's next request skips the HMAC. */
export const verifiedCookieCacheSize = 10_000;

export interface DemoSessions {
  /** The cookie value for `userId`, valid for {@link sessionMaxAgeSeconds}. */
  issue(userId: string, nowMs?: number): string;
  /** The user id of a cookie value, or `undefined` when it is missing, tampered with or expired. */
  verify(cookieValue: string | undefined, nowMs?: number): string | undefined;
  /** The signed-in user of a request, read from its `Cookie` header. */
  authenticate(request: Request): string | undefined;
}

/** The reason `userId` is not acceptable, or `undefined` when it is. */
export function userIdProblem(userId: unknown): string | undefined {
  if (typeof userId !== 'string') return '`userId` must be a string.';
  if (userId.trim() === '') return '`userId` must not be empty.';
  if ([...userId].length > maxUserIdLength) {
    return `\`userId\` must be at most ${maxUserIdLength} characters.`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(userId)) return '`userId` must not contain control characters.';
  return undefined;
}

export function createDemoSessions(secret: string): DemoSessions {
  const sign = (payload: string) =>
    createHmac('sha256', secret).update(`demo-session.v1.${payload}`).digest('base64url');

  // The HMAC was ~6% of the warm path's CPU. Only values that passed it are kept, keyed by the exact
  // text, so a hit proves as much as a fresh check; the expiry is still checked on every request. Only this
  // signature check is cached: anything else a session check does (revocation) stays per request.
  const verified = new LRUCache<string, { userId: string; expiresMs: number }>({
    max: verifiedCookieCacheSize,
  });

  function verify(cookieValue: string | undefined, nowMs = Date.now()): string | undefined {
    if (cookieValue === undefined) return undefined;
    const known = verified.get(cookieValue);
    if (known !== undefined) return known.expiresMs <= nowMs ? undefined : known.userId;
    const parts = cookieValue.split('.');
    if (parts.length !== 3) return undefined;
    const [encodedUser = '', expires = '', signature = ''] = parts;
    // Compared as text, so no other spelling of the same bytes is accepted.
    const expected = Buffer.from(sign(`${encodedUser}.${expires}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (!/^\d+$/.test(expires) || Number(expires) * 1000 <= nowMs) return undefined;
    const userId = Buffer.from(encodedUser, 'base64url').toString('utf8');
    if (userIdProblem(userId) !== undefined) return undefined;
    verified.set(cookieValue, { userId, expiresMs: Number(expires) * 1000 });
    return userId;
  }

  return {
    issue(userId, nowMs = Date.now()) {
      const encodedUser = Buffer.from(userId, 'utf8').toString('base64url');
      const expires = Math.floor(nowMs / 1000) + sessionMaxAgeSeconds;
      const payload = `${encodedUser}.${expires}`;
      return `${payload}.${sign(payload)}`;
    },
    verify,
    authenticate(request) {
      return verify(readCookie(request.headers.get('Cookie'), sessionCookieName));
    },
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
