import type { QueryClient } from '@tanstack/react-query';
import { ensureInFlight, ensureKnewtonAccount } from './ensureKnewtonAccount.js';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { requestKnewtonAccount } from './requestKnewtonAccount.js';

/**
 * One attempt at `userId`'s account id, as a gate needs it: lazy mode ensures (joining an ensure in
 * flight), eager mode reads, but waits for a sign-up flow's ensure in flight rather than reading, or
 * rather than reporting the `404` of a read that crossed it. `client` is `undefined` only on TanStack
 * Query versions that do not pass it to query functions; then nothing is shared.
 */
export async function fetchKnewtonAccount(
  options: KnewtonClientOptions,
  userId: string,
  client: QueryClient | undefined,
): Promise<string> {
  if (options.mode !== 'eager') {
    return client
      ? ensureKnewtonAccount(client, options, userId)
      : requestKnewtonAccount(options, 'PUT');
  }
  const provision = client && ensureInFlight(client, userId);
  if (provision) return provision;
  try {
    return await requestKnewtonAccount(options, 'GET');
  } catch (error) {
    const late = client && ensureInFlight(client, userId);
    if (late && (error as KnewtonAccountError).code === 'account_not_found') return late;
    throw error;
  }
}
