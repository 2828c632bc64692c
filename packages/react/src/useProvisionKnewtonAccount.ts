import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { ensureKnewtonAccount } from './ensureKnewtonAccount.js';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { useKnewtonContext } from './KnewtonProvider.js';
import { knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { knewtonRetry } from './knewtonRetry.js';
import { requestKnewtonAccount } from './requestKnewtonAccount.js';

export type UseProvisionKnewtonAccountResult = UseMutationResult<string, KnewtonAccountError, void>;

/**
 * For a sign-up flow: ensures the signed-in user's account and puts its id in the cache, so every
 * gate opens with no further request. It shares one `PUT` with the gates: a lazy gate's ensure in
 * flight is joined, an eager gate waits for this one instead of reading, and an id already cached
 * is returned as it is. Call it once the provider has the new user's `userId`; resolves to the id.
 */
export function useProvisionKnewtonAccount(): UseProvisionKnewtonAccountResult {
  const input = useKnewtonContext();
  const client = useQueryClient();
  return useMutation({
    // The user is taken when the request leaves: by the time the answer arrives the provider may
    // have another user, who must not be given this id (an `onSuccess` would see the new one).
    async mutationFn() {
      const { userId } = input;
      // Signed out, there is nothing to share: the BFF answers 401 `unauthenticated`.
      if (userId === undefined) return requestKnewtonAccount(input, 'PUT');
      return (
        client.getQueryData<string>(knewtonAccountQueryKey(userId)) ??
        ensureKnewtonAccount(client, input, userId)
      );
    },
    // The ensure is idempotent, so retrying it is as safe as retrying a read.
    ...knewtonRetry(input.retry ?? 3),
  });
}
