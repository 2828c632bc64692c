import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { useKnewtonContext } from './KnewtonProvider.js';
import { knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { knewtonRetry } from './knewtonRetry.js';
import { requestKnewtonAccount } from './requestKnewtonAccount.js';

export type UseProvisionKnewtonAccountResult = UseMutationResult<string, KnewtonAccountError, void>;

/**
 * The eager path, for a sign-up flow: ensures the signed-in user's account (`PUT`) and puts its id
 * in the cache, so every gate opens with no further request. Call it once the provider has the new
 * user's `userId`; resolves to the account id.
 */
export function useProvisionKnewtonAccount(): UseProvisionKnewtonAccountResult {
  const input = useKnewtonContext();
  const queryClient = useQueryClient();
  return useMutation({
    // The key is taken when the request leaves: by the time the answer arrives the provider may have
    // another user, who must not be given this id (an `onSuccess` would see the new one).
    async mutationFn() {
      const key = knewtonAccountQueryKey(input.userId);
      const accountId = await requestKnewtonAccount(input, 'PUT');
      queryClient.setQueryData(key, accountId);
      return accountId;
    },
    // The ensure is idempotent, so retrying it is as safe as retrying a read.
    ...knewtonRetry(input.retry),
  });
}
