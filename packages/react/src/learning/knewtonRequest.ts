import { CSRF_HEADER, CSRF_HEADER_VALUE, KNEWTON_BFF_BASE_PATH } from '@knewton-kit/contract';
import ky from 'ky';
import { toKnewtonAccountError } from '../errors/toKnewtonAccountError.js';
import type { KnewtonClientOptions } from '../KnewtonClientOptions.js';

/**
 * One exchange with a learning route of the BFF, through the host's ky like the account route: `GET`
 * without a body, `POST` with JSON and the CSRF header. Resolves to the answer's JSON when its status
 * is `expected`; otherwise rejects with a `KnewtonAccountError` (its `retryable` and `retryAfterMs`
 * drive the callers' retries). Never retries itself.
 */
export async function knewtonRequest(
  options: KnewtonClientOptions,
  path: string,
  expected: number,
  body?: unknown,
): Promise<unknown> {
  const url = (options.baseUrl ?? KNEWTON_BFF_BASE_PATH) + path;
  const method = body === undefined ? 'GET' : 'POST';
  const where = `${method} ${url}`;
  let response: Response;
  try {
    response = await (options.ky ?? ky)(new URL(url, globalThis.document?.baseURI), {
      method,
      ...(body === undefined ? {} : { json: body, headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE } }),
      retry: 0,
      throwHttpErrors: false,
    });
  } catch (cause) {
    throw toKnewtonAccountError(where, undefined, undefined, cause);
  }
  const json = await response.json().catch(() => undefined);
  if (response.status === expected && json !== undefined) return json;
  throw toKnewtonAccountError(where, response, json);
}
