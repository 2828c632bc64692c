import type { Context } from 'hono';
import { ApiError } from './ApiError.js';
import type { RouterEnv } from './RouterEnv.js';

const jsonType = /^application\/json\s*(;|$)/i;

/**
 * The request's JSON body (read by `readBodyUnderLimit`), or `undefined` when it has none. A body with another
 * `Content-Type` is refused with 415 and one that does not parse with 400, before anything is changed.
 */
export function readJsonBody(c: Context<RouterEnv>): unknown {
  const body = c.get('body');
  if (body === undefined) return undefined;
  if (!jsonType.test(c.req.header('Content-Type') ?? '')) {
    throw new ApiError(
      'unsupported_media_type',
      'The request body must be JSON (Content-Type: application/json).',
    );
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new ApiError('bad_request', 'The request body is not valid JSON.');
  }
}
