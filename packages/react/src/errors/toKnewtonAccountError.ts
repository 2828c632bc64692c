import type { ErrorBody } from '@knewton-kit/contract';
import { retryAfterMs } from '../retryAfterMs.js';
import { KnewtonAccountError } from './KnewtonAccountError.js';

/**
 * Turns a failed exchange into a `KnewtonAccountError`. `response` is `undefined` when no answer
 * arrived; `json` is its body, in the contract's error shape when the BFF sent it.
 */
export function toKnewtonAccountError(
  where: string,
  response?: Response,
  json?: unknown,
  cause?: unknown,
): KnewtonAccountError {
  // Read, not validated against the contract's code list: `parseErrorBody` and that list cost 364 B
  // gzip, a quarter of the size budget, and the kit's behaviour depends only on the status.
  const body = (json as Partial<ErrorBody> | undefined)?.error;
  const status = response?.status;
  const code =
    typeof body?.code === 'string' ? body.code : status ? 'invalid_response' : 'network_error';
  return new KnewtonAccountError(`${where} failed: ${code}`, {
    code,
    status,
    requestId: body?.requestId,
    // Seconds only; an HTTP date (or none) leaves the delay to the backoff.
    retryAfterMs: retryAfterMs(response),
    cause,
  });
}
