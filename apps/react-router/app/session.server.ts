import { createHmac, timingSafeEqual } from 'node:crypto';

// A stand-in for the host app's own sign-in, so the example has a session to read: a signed cookie
// holding the user id. A real app reads its own session here instead.
export const sessionCookie = 'example_session';

function secret(): string {
  const value = process.env.SESSION_SECRET;
  if (!value || value.length < 32)
    throw new Error('SESSION_SECRET must be set, at least 32 characters');
  return value;
}

const signature = (userId: string) =>
  createHmac('sha256', secret()).update(userId).digest('base64url');

/** The cookie value for `userId`: the id and its HMAC. */
export function signSession(userId: string): string {
  return `${encodeURIComponent(userId)}.${signature(userId)}`;
}

/** The signed-in user's id from a cookie value, or `undefined` when it is missing or forged. */
export function readSession(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  let userId: string;
  try {
    userId = decodeURIComponent(value.slice(0, dot));
  } catch {
    return undefined;
  }
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(userId));
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
}

/** The session cookie's value from a request's `Cookie` header. */
export function sessionFromRequest(request: Request): string | undefined {
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...rest] = pair.trim().split('=');
    if (name === sessionCookie) return readSession(rest.join('='));
  }
  return undefined;
}
