import {
  BFF_ACCOUNT_PATH,
  parseAccountQueuedResponse,
  parseAccountResponse,
} from '@knewton-kit/contract';
import { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { type KnewtonAnswer, knewtonRequest } from './knewtonRequest.js';

type AccountAnswer = { accountId: string } | { queuedForMs: number };

const readAccount = ({ status, json, retryAfterMs }: KnewtonAnswer): AccountAnswer | undefined => {
  if (status === 202 && parseAccountQueuedResponse(json))
    return { queuedForMs: retryAfterMs ?? 1000 };
  return status < 300 ? parseAccountResponse(json) : undefined;
};

/**
 * `GET` reads the signed-in user's account, `PUT` ensures it; resolves to the account id. A `202
 * queued` is no failure: the creation goes on in the BFF, so the same request is sent again after
 * its `Retry-After` (1 s without one) and the caller stays pending.
 */
export async function requestKnewtonAccount(
  options: KnewtonClientOptions,
  method: 'GET' | 'PUT',
): Promise<string> {
  for (;;) {
    const answer = await knewtonRequest(options, {
      method,
      path: BFF_ACCOUNT_PATH,
      read: readAccount,
      Failure: KnewtonAccountError,
    });
    if ('accountId' in answer) return answer.accountId;
    await new Promise((resolve) => setTimeout(resolve, answer.queuedForMs));
  }
}
