import type { QueryClient } from '@tanstack/react-query';
import { ensureInFlight, ensureKnewtonAccount } from './ensureKnewtonAccount.js';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { requestKnewtonAccount } from './requestKnewtonAccount.js';

/**
 * One attempt at `userId`'s account id, as a gate needs it: lazy mode ensures (joining an ensure in
 * flight); eager mode reads, unless a sign-up flow's ensure is in flight, which it waits for instead.
 * `client` is `undefined` only on TanStack Query versions that do not pass it to query functions;
 * then nothing is shared.
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
  // React runs every effect of one commit before any microtask, and children's before their
  // parent's: a sign-up component that provisions in an effect has started its ensure by now,
  // wherever the gate sits in the tree.
  await Promise.resolve();
  const provision = client && ensureInFlight(client, userId);
  if (provision) return provision;
  try {
    return await requestKnewtonAccount(options, 'GET');
  } catch (error) {
    // A read that crossed a sign-up flow's `PUT` reports that account instead of its `404`.
    const late = client && ensureInFlight(client, userId);
    if (late && (error as KnewtonAccountError).code === 'account_not_found') return late;
    throw error;
  }
}
