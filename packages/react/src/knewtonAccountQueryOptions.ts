import { type DataTag, queryOptions, skipToken, type UseQueryOptions } from '@tanstack/react-query';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { fetchKnewtonAccount } from './fetchKnewtonAccount.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { type KnewtonAccountQueryKey, knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { knewtonRetry } from './knewtonRetry.js';

export interface KnewtonAccountQueryOptionsInput extends KnewtonClientOptions {
  /** The signed-in user's id in the host app; `undefined` when signed out (the query is skipped). */
  userId: string | undefined;
  /** The account id the server already knows, so the client needs no request. */
  initialAccountId?: string | undefined;
}

/**
 * TanStack Query options for the signed-in user's account id: for `useQuery`, route loaders
 * (`ensureQueryData`), prefetching and server rendering. Plain TypeScript, no React.
 */
// The return type is spelled out so the declaration names only types every supported TanStack Query
// version has (`queryOptions()` alone would emit newer ones).
export function knewtonAccountQueryOptions(input: KnewtonAccountQueryOptionsInput): UseQueryOptions<
  string,
  KnewtonAccountError,
  string,
  KnewtonAccountQueryKey
> & {
  queryKey: DataTag<KnewtonAccountQueryKey, string, KnewtonAccountError>;
} {
  const { userId, mode } = input;
  if (userId === '' || userId === null)
    throw new TypeError('`userId` must be a string or undefined');
  if (mode && mode !== 'lazy' && mode !== 'eager')
    throw new TypeError('`mode` must be lazy or eager');
  return queryOptions<
    string,
    KnewtonAccountError,
    string,
    ReturnType<typeof knewtonAccountQueryKey>
  >({
    queryKey: knewtonAccountQueryKey(userId),
    queryFn:
      userId === undefined
        ? skipToken
        : // No abort signal on purpose: StrictMode's double mount would abort the first `PUT` and send
          // a second; letting the idempotent ensure finish keeps it to one request.
          (context) => fetchKnewtonAccount(input, userId, context.client),
    initialData: input.initialAccountId,
    // An account id never changes: fetched once per user and kept until sign-out.
    staleTime: Infinity,
    gcTime: Infinity,
    ...knewtonRetry(input.retry ?? 3),
    // After the error state, only the kit's recovery asks again (see `watchKnewtonRecovery`), so
    // the attempts keep its pace rather than one per focus, reconnect or newly mounted gate.
    retryOnMount: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    // Overrides a host default: another user's id must never stand in while this one loads.
    placeholderData: undefined,
    // The gate shows `fallback` instead; a host default must not send errors to a boundary.
    throwOnError: false,
  });
}
