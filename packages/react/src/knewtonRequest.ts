import { CSRF_HEADER, CSRF_HEADER_VALUE, KNEWTON_BFF_BASE_PATH } from '@knewton-kit/contract';
import ky from 'ky';
import type { KnewtonError, KnewtonErrorClass } from './errors/KnewtonError.js';
import { retryAfterMs, toKnewtonError } from './errors/toKnewtonError.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';

/** A BFF answer, as `read` sees it. */
export interface KnewtonAnswer {
  status: number;
  /** The body as JSON; `undefined` when it was none. */
  json: unknown;
  retryAfterMs: number | undefined;
}

export interface KnewtonRequestInit<T, E extends KnewtonError> {
  method: 'GET' | 'PUT' | 'POST';
  /** The route, under `options.baseUrl`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** The value of an answer in the route's contract, or `undefined` for any other answer. */
  read: (answer: KnewtonAnswer) => T | undefined;
  /** The error thrown for any other answer, or when no answer arrived. */
  Failure: KnewtonErrorClass<E>;
}

/**
 * One exchange with the BFF through the host's ky (its headers, auth hooks and timeout apply).
 * Never retries: retries belong to TanStack Query and the callers. Rejects only with `Failure`.
 */
export async function knewtonRequest<T, E extends KnewtonError>(
  options: KnewtonClientOptions,
  { method, path, body, read, Failure }: KnewtonRequestInit<T, E>,
): Promise<T> {
  const url = (options.baseUrl ?? KNEWTON_BFF_BASE_PATH) + path;
  const where = `${method} ${url}`;
  let response: Response;
  try {
    // Resolved here, as a browser would, so it also works where `Request` needs absolute URLs (jsdom).
    response = await (options.ky ?? ky)(new URL(url, globalThis.document?.baseURI), {
      method,
      json: body,
      // A custom header cannot cross origins without a CORS preflight: the BFF's CSRF defence.
      headers: method === 'GET' ? {} : { [CSRF_HEADER]: CSRF_HEADER_VALUE },
      retry: 0,
      throwHttpErrors: false,
    });
  } catch (cause) {
    throw toKnewtonError(Failure, where, undefined, undefined, cause);
  }
  const json = await response.json().catch(() => undefined);
  const value = read({ status: response.status, json, retryAfterMs: retryAfterMs(response) });
  if (value !== undefined) return value;
  throw toKnewtonError(Failure, where, response, json);
}
