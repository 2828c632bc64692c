'use client';

import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
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
  const { userId } = input;
  // The user is taken when the request leaves: by the time the answer arrives the provider may have
  // another user, who must not be given this id (an `onSuccess` would see the new one).
  const ensure = useCallback(() => {
    // Signed out, there is nothing to share: the BFF answers 401 `unauthenticated`.
    if (userId === undefined) return requestKnewtonAccount(input, 'PUT');
    const cached = client.getQueryData<string>(knewtonAccountQueryKey(userId));
    return cached === undefined
      ? ensureKnewtonAccount(client, input, userId)
      : Promise.resolve(cached);
  }, [client, input, userId]);
  const mutation = useMutation({
    mutationFn: ensure,
    // The ensure is idempotent, so retrying it is as safe as retrying a read.
    ...knewtonRetry(input.retry ?? 3),
  });
  // The ensure starts within `mutate()` itself, not a few ticks later when TanStack Query calls the
  // mutation function (which then joins it): an eager gate that mounts in the same commit finds it
  // in flight and waits for it instead of reading.
  // Stable like TanStack Query's own, so a host may list them as effect dependencies.
  const { mutate, mutateAsync } = mutation;
  const startEnsure = useCallback(() => {
    if (userId !== undefined) ensure().catch(() => {});
  }, [ensure, userId]);
  return {
    ...mutation,
    mutate: useCallback<typeof mutate>(
      (variables, options) => {
        startEnsure();
        mutate(variables, options);
      },
      [startEnsure, mutate],
    ),
    mutateAsync: useCallback<typeof mutateAsync>(
      (variables, options) => {
        startEnsure();
        return mutateAsync(variables, options);
      },
      [startEnsure, mutateAsync],
    ),
  };
}
