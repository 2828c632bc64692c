import { normalizeAppUserId } from '@knewton-kit/contract';
import type { Context } from 'hono';
import { ApiError } from './ApiError.js';
import type { RouterEnv } from './RouterEnv.js';

/** Reads the signed-in app user from the host's own session; `undefined` when nobody is signed in. */
export type Authenticate = (request: Request) => string | undefined | Promise<string | undefined>;

/**
 * The app user id of the request, from the host's `authenticate` and nowhere else; 401 when there is none.
 * A host bug (a throw, or a value that is not a non-empty string) is a 500, not a sign-in prompt.
 * The id comes back normalized (`normalizeAppUserId`), so every route sees one spelling per user; one it
 * refuses (a lone surrogate, a control or format character) is a 400 `bad_request` naming the problem.
 */
export async function requireAppUser(
  c: Context<RouterEnv>,
  authenticate: Authenticate,
): Promise<string> {
  const appUserId: unknown = await authenticate(c.req.raw);
  if (appUserId === undefined) throw new ApiError('unauthenticated', 'Sign in first.');
  if (typeof appUserId !== 'string' || appUserId === '') {
    throw new TypeError(
      `\`authenticate\` must resolve to a non-empty string or undefined, got ${describe(appUserId)}`,
    );
  }
  return normalizeAppUserId(appUserId);
}

function describe(value: unknown): string {
  if (value === '') return 'an empty string';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
