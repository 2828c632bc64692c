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
  return appUserOf(c, authenticate);
}

/**
 * {@link requireAppUser} without the extra async step when `authenticate` answers synchronously (the
 * library's own routes on the warm path); a host's handler uses `requireAppUser`.
 */
export function appUserOf(
  c: Context<RouterEnv>,
  authenticate: Authenticate,
): string | Promise<string> {
  const answer: unknown = authenticate(c.req.raw);
  // Anything else is awaited: a promise, another thenable, or a wrong value `checkedAppUser` refuses.
  if (typeof answer === 'string' || answer === undefined) return checkedAppUser(answer);
  return Promise.resolve(answer).then(checkedAppUser);
}

function checkedAppUser(appUserId: unknown): string {
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
