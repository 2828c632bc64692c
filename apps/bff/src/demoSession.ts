import { createHash, randomBytes } from 'node:crypto';
import { StoreUnavailableError } from '@knewton-kit/bff';
import type { Context } from 'hono';
import { deleteCookie, setSignedCookie } from 'hono/cookie';
import { parseSigned } from 'hono/utils/cookie';
import type { Kysely } from 'kysely';
import { type DemoSessionTables, migrateDemoSessions } from './migrateDemoSessions.js';
import { VerifiedSessionCache } from './VerifiedSessionCache.js';

/**
 * The demo sign-in's sessions: a random token per sign-in, kept (as its SHA-256) in the store's database
 * with its user and expiry, and sent to the browser in an HttpOnly cookie signed with `SESSION_SECRET`
 * (Hono's signed-cookie helpers). A stand-in for the partner app's own authentication, nothing more, but
 * one that behaves like a real session: signing out revokes it on the server for every process sharing the
 * database, and every sign-in gets a new token (no session fixation).
 */
export const sessionCookieName = 'knewton_demo_session';
const cookiePrefix = `${sessionCookieName}=`;
/** @default 7 days */
export const sessionMaxAgeSeconds = 7 * 24 * 60 * 60;
export const maxUserIdLength = 128;
/**
 * How long a process trusts a verified session before asking the database again: the longest a sign-out
 * elsewhere goes unnoticed (`SESSION_REVALIDATE_MS`). Well under the time to notice a stolen cookie, long
 * enough for busy sessions to be re-checked in a background batch. @default 5000
 */
export const defaultSessionRevalidateMs = 5_000;
/** Verified sessions one process keeps (about 200 bytes each). @default 20,000 */
export const defaultMaxCachedSessions = 20_000;

export interface DemoSessionsOptions {
  /** The store's Kysely instance (`store.db`): sessions live beside the account mappings. */
  db: Kysely<unknown>;
  /** Signs the cookie, so a guessed or truncated token is refused before the database is asked. */
  secret: string;
  /** Whether the cookie carries `Secure` (from configuration, never from the request's `Host`). */
  secure: boolean;
  /** The clock, for expiry tests. @default Date.now */
  now?: () => number;
  /**
   * How long a verified session is trusted without asking the database (ms); the bound on how long a
   * sign-out in another process may go unnoticed here. 0 asks the database on every request.
   * @default defaultSessionRevalidateMs (5000)
   */
  revalidateMs?: number;
  /** Verified sessions kept in this process. @default defaultMaxCachedSessions (20,000) */
  maxCachedSessions?: number;
  /** Told when the background re-check of cached sessions fails. @default nothing */
  onRecheckError?: (error: unknown) => void;
}

export interface DemoSessions {
  /** Starts a new session for `userId`, ends the one the request carried, and sets the cookie. */
  signIn(c: Context, userId: string): Promise<void>;
  /** Revokes the request's session on the server (it stops working everywhere) and clears the cookie. */
  signOut(c: Context): Promise<void>;
  /** Clears the session cookie without touching the server (for a cookie that no longer works). */
  forget(c: Context): void;
  /**
   * The signed-in user of a request, or `undefined` when the cookie is missing, tampered, expired or
   * revoked; synchronous for a session verified lately (the library's `authenticate` accepts either).
   */
  authenticate(request: Request): string | undefined | Promise<string | undefined>;
  /** Whether the request carries a session cookie at all, valid or not. */
  hasCookie(request: Request): boolean;
  /** Stops the background re-check of cached sessions. */
  close(): void;
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

/**
 * A database failure during a session operation is the store being unavailable (503 `store_unavailable`
 * with `Retry-After`, as the library answers for its own tables), never a 500 or a silent "signed out".
 */
async function guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new StoreUnavailableError(`Demo session ${what} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export async function createDemoSessions(options: DemoSessionsOptions): Promise<DemoSessions> {
  const { secret, secure, now = Date.now } = options;
  const revalidateMs = options.revalidateMs ?? defaultSessionRevalidateMs;
  if (!Number.isSafeInteger(revalidateMs) || revalidateMs < 0)
    throw new TypeError('`revalidateMs` must be a whole number of milliseconds, 0 or more.');
  await migrateDemoSessions(options.db);
  const db = options.db.withTables<DemoSessionTables>();
  const table = 'example_bff_demo_sessions';
  const cookieOptions = { httpOnly: true, sameSite: 'Lax', secure, path: '/' } as const;

  const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  const verified = new VerifiedSessionCache({
    maxEntries: options.maxCachedSessions ?? defaultMaxCachedSessions,
    revalidateMs,
    now,
    onRecheckError: options.onRecheckError ?? (() => {}),
    async findLive(tokenHashes) {
      const rows = await db
        .selectFrom(table)
        .select(['token_hash', 'expires_at'])
        .where('token_hash', 'in', tokenHashes)
        .where('expires_at', '>', new Date(now()))
        .execute();
      return new Map(rows.map((row) => [row.token_hash, new Date(row.expires_at).getTime()]));
    },
  });

  /**
   * The session cookie's value exactly as sent (still URL-encoded, signature included), or `undefined`:
   * the cache key. Read by hand because Hono's `parse` (split, trim, regex, decode) costs 5% of the warm
   * path; a value is only ever trusted after `parseSigned` verified that very string once.
   */
  function cookieValueOf(request: Request): string | undefined {
    const header = request.headers.get('Cookie');
    if (header === null) return undefined;
    let at = header.indexOf(cookiePrefix);
    // The name must start the header or follow a `;` (and spaces): `xknewton_demo_session=` is another cookie.
    while (at > 0 && !/[;\s]/.test(header[at - 1] as string))
      at = header.indexOf(cookiePrefix, at + 1);
    if (at === -1) return undefined;
    const start = at + cookiePrefix.length;
    const end = header.indexOf(';', start);
    const value = (end === -1 ? header.slice(start) : header.slice(start, end)).trim();
    return value === '' ? undefined : value;
  }

  /** The request's token when its signature is ours; `undefined` otherwise. */
  async function tokenOf(request: Request): Promise<string | undefined> {
    const header = request.headers.get('Cookie');
    if (header === null || !header.includes(sessionCookieName)) return undefined;
    const token = (await parseSigned(header, secret, sessionCookieName))[sessionCookieName];
    return typeof token === 'string' && token !== '' ? token : undefined;
  }

  async function revoke(request: Request): Promise<void> {
    const token = await tokenOf(request);
    if (token === undefined) return;
    const tokenHash = hashOf(token);
    // Before the delete: from now on this process neither uses nor re-caches the session.
    verified.forget(cookieValueOf(request), tokenHash);
    await guard('revocation', () =>
      db.deleteFrom(table).where('token_hash', '=', tokenHash).execute(),
    );
  }

  /** A session not verified lately: its row is asked for (and its signature checked, if never seen). */
  async function lookUp(request: Request, cookieValue: string): Promise<string | undefined> {
    // Stale (not re-checked lately): the same value was verified before, only the row is asked for.
    let tokenHash = verified.verifiedTokenHash(cookieValue);
    if (tokenHash === undefined) {
      const token = await tokenOf(request);
      if (token === undefined) return undefined;
      tokenHash = hashOf(token);
    }
    const checkedAt = now();
    const row = await guard('lookup', () =>
      db
        .selectFrom(table)
        .select(['user_id', 'expires_at'])
        .where('token_hash', '=', tokenHash as string)
        .where('expires_at', '>', new Date(checkedAt))
        .executeTakeFirst(),
    );
    if (row === undefined) {
      verified.drop(cookieValue);
      return undefined;
    }
    verified.set(cookieValue, {
      tokenHash,
      userId: row.user_id,
      expiresAt: new Date(row.expires_at).getTime(),
      checkedAt,
    });
    return row.user_id;
  }

  return {
    async signIn(c, userId) {
      await revoke(c.req.raw);
      // Expired rows carry nothing anyone can use; sweeping them at sign-in keeps the table bounded.
      const token = randomBytes(32).toString('base64url');
      await guard('sign-in', async () => {
        await db.deleteFrom(table).where('expires_at', '<=', new Date(now())).execute();
        await db
          .insertInto(table)
          .values({
            token_hash: hashOf(token),
            user_id: userId,
            created_at: new Date(now()),
            expires_at: new Date(now() + sessionMaxAgeSeconds * 1000),
          })
          .execute();
      });
      await setSignedCookie(c, sessionCookieName, token, secret, {
        ...cookieOptions,
        maxAge: sessionMaxAgeSeconds,
      });
    },
    async signOut(c) {
      await revoke(c.req.raw);
      deleteCookie(c, sessionCookieName, cookieOptions);
    },
    forget(c) {
      deleteCookie(c, sessionCookieName, cookieOptions);
    },
    authenticate(request) {
      const cookieValue = cookieValueOf(request);
      if (cookieValue === undefined) return undefined;
      // The hot path: a session verified less than `revalidateMs` ago, no crypto and no database, and
      // answered synchronously (a promise would cost the warm path an async step per request).
      const cached = verified.get(cookieValue);
      if (cached !== undefined) return cached;
      return lookUp(request, cookieValue);
    },
    hasCookie(request) {
      return request.headers.get('Cookie')?.includes(`${sessionCookieName}=`) === true;
    },
    close() {
      verified.close();
    },
  };
}
