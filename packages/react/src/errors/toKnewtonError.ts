import { parseErrorBody } from '@knewton-kit/contract';
import type { KnewtonError, KnewtonErrorClass } from './KnewtonError.js';

/** An answer's `Retry-After` seconds in milliseconds; an HTTP date (or none) gives `undefined`. */
export const retryAfterMs = (response?: Response) =>
  Number(response?.headers.get('Retry-After')) * 1000 || undefined;

/**
 * Turns a failed exchange into a `Failure`. `response` is `undefined` when no answer arrived; `json`
 * is its body, in the contract's error shape when the BFF sent it.
 */
export function toKnewtonError<E extends KnewtonError>(
  Failure: KnewtonErrorClass<E>,
  where: string,
  response?: Response,
  json?: unknown,
  cause?: unknown,
): E {
  const body = parseErrorBody(json)?.error;
  const status = response?.status;
  const code = body?.code ?? (status ? 'invalid_response' : 'network_error');
  return new Failure(`${where} failed: ${code}`, {
    code,
    status,
    requestId: body?.requestId,
    retryAfterMs: retryAfterMs(response),
    cause,
  });
}
