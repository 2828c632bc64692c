import {
  BFF_ACCOUNT_PATH,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  KNEWTON_BFF_BASE_PATH,
} from '@knewton-kit/contract';
import ky from 'ky';
import { toKnewtonAccountError } from './errors/toKnewtonAccountError.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { retryAfterMs } from './retryAfterMs.js';

/**
 * One exchange with the BFF: `GET` reads the signed-in user's account, `PUT` ensures it. Resolves to
 * the account id; rejects only with a `KnewtonAccountError`. Never retries a failure (TanStack Query
 * and the recovery do), but a `202 {"status":"queued"}` is no failure: the creation goes on in the
 * BFF, so the same request is sent again after its `Retry-After` (1 s without one) and the caller
 * stays pending.
 */
export async function requestKnewtonAccount(
  options: KnewtonClientOptions,
  method: 'GET' | 'PUT',
): Promise<string> {
  const path = (options.baseUrl ?? KNEWTON_BFF_BASE_PATH) + BFF_ACCOUNT_PATH;
  const where = `${method} ${path}`;
  let response: Response;
  for (;;) {
    try {
      // Resolved here, as a browser would, so it also works where `Request` needs absolute URLs (jsdom).
      response = await (options.ky ?? ky)(new URL(path, globalThis.document?.baseURI), {
        method,
        // A custom header cannot cross origins without a CORS preflight: the BFF's CSRF defence.
        headers: method === 'PUT' ? { [CSRF_HEADER]: CSRF_HEADER_VALUE } : {},
        retry: 0,
        throwHttpErrors: false,
      });
    } catch (cause) {
      throw toKnewtonAccountError(where, undefined, undefined, cause);
    }
    if (response.status !== 202) break;
    // The body (`{"status":"queued"}`) says nothing the status did not; not awaited, as the
    // wait must start now.
    response.body?.cancel().catch(() => {});
    const wait = retryAfterMs(response) ?? 1000;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const json = (await response.json().catch(() => undefined)) as
    | { accountId?: unknown }
    | undefined;
  // Only the id is used, so only the id is checked (the contract's full validator costs 60 B gzip).
  const accountId = response.ok && json?.accountId;
  if (typeof accountId === 'string' && accountId) return accountId;
  throw toKnewtonAccountError(where, response, json);
}
