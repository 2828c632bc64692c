import type { Context } from 'hono';
import type { RouterEnv } from './RouterEnv.js';

/** Answers built by {@link respondJson}: they already carry every convention header. */
const answered = new WeakSet<Response>();

/**
 * A JSON answer with the conventions' headers given as one plain object when the `Response` is made.
 * Hono's `c.json` collects them in a `Headers` object that @hono/node-server turns back into an object for
 * `writeHead`; that round trip costs about a tenth of the library's warm-path CPU.
 */
export function respondJson(
  c: Context<RouterEnv>,
  body: unknown,
  status: number,
  headers?: Record<string, string>,
): Response {
  return respondJsonText(c, JSON.stringify(body), status, headers);
}

/** {@link respondJson} for a body already serialized (an answer the caller keeps, such as an account's). */
export function respondJsonText(
  c: Context<RouterEnv>,
  json: string,
  status: number,
  headers?: Record<string, string>,
): Response {
  const response = new Response(json, {
    status,
    headers: {
      'content-type': 'application/json',
      ...c.get('conventionHeaders'),
      ...headers,
    },
  });
  answered.add(response);
  return response;
}

/** Whether `response` came from {@link respondJson}, so its headers need not be set again. */
export function carriesConventionHeaders(response: Response): boolean {
  return answered.has(response);
}
