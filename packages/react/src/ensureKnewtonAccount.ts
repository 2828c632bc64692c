import type { QueryClient } from '@tanstack/react-query';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { perQueryClient } from './perQueryClient.js';
import { requestKnewtonAccount } from './requestKnewtonAccount.js';

// Beside the cache rather than a query of its own: a gate's query and the sign-up flow's mutation
// must join the same `PUT`, and a mutation cannot share a query's promise through TanStack Query.
const ensuresOf = perQueryClient(() => new Map<string, Promise<string>>());

/** The ensure (`PUT`) in flight for `userId`, if any: an eager gate waits for it instead of reading. */
export function ensureInFlight(client: QueryClient, userId: string): Promise<string> | undefined {
  return ensuresOf(client).get(userId);
}

/**
 * Ensures `userId`'s account with one `PUT` for everyone asking at the same time (gates, the sign-up
 * flow, the recovery) and puts the id in the cache (`setQueryData`) under that user's key, taken when
 * the request leaves: by the time the answer arrives the provider may have another user.
 */
export function ensureKnewtonAccount(
  client: QueryClient,
  options: KnewtonClientOptions,
  userId: string,
): Promise<string> {
  const ensures = ensuresOf(client);
  let ensure = ensures.get(userId);
  if (!ensure) {
    ensure = requestKnewtonAccount(options, 'PUT')
      .then((accountId) => {
        client.setQueryData(knewtonAccountQueryKey(userId), accountId);
        return accountId;
      })
      .finally(() => ensures.delete(userId));
    ensures.set(userId, ensure);
  }
  return ensure;
}
