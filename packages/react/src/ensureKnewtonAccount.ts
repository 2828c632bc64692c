import type { QueryClient } from '@tanstack/react-query';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { requestKnewtonAccount } from './requestKnewtonAccount.js';

// Per QueryClient and user, the ensure on its way. A map beside the cache rather than a query of its
// own: a gate's query and the sign-up flow's mutation must join the same `PUT`, and a mutation
// cannot share a query's promise through TanStack Query itself.
const ensuresByClient = new WeakMap<QueryClient, Map<string, Promise<string>>>();

/** The ensure (`PUT`) in flight for `userId`, if any: an eager gate waits for it instead of reading. */
export function ensureInFlight(client: QueryClient, userId: string): Promise<string> | undefined {
  return ensuresByClient.get(client)?.get(userId);
}

/**
 * Ensures `userId`'s account with one `PUT` for everyone asking at the same time (gates, the sign-up
 * flow, the background recovery) and puts the id in the cache under that user's key, taken when the
 * request leaves: by the time the answer arrives the provider may have another user.
 */
export function ensureKnewtonAccount(
  client: QueryClient,
  options: KnewtonClientOptions,
  userId: string,
): Promise<string> {
  const inFlight = ensuresByClient.get(client) ?? new Map<string, Promise<string>>();
  ensuresByClient.set(client, inFlight);
  let ensure = inFlight.get(userId);
  if (!ensure) {
    ensure = requestKnewtonAccount(options, 'PUT').then(
      (accountId) => {
        inFlight.delete(userId);
        client.setQueryData(knewtonAccountQueryKey(userId), accountId);
        return accountId;
      },
      (error: unknown) => {
        inFlight.delete(userId);
        throw error;
      },
    );
    inFlight.set(userId, ensure);
  }
  return ensure;
}
