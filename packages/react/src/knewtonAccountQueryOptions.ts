import { queryOptions, skipToken } from '@tanstack/react-query';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { type KnewtonAccountQueryKey, knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { knewtonRetry, knewtonRetryDelay } from './knewtonRetry.js';
import { requestKnewtonAccount } from './requestKnewtonAccount.js';

export interface KnewtonAccountQueryOptionsInput extends KnewtonClientOptions {
  /** The signed-in user's id in the host app; `undefined` when signed out (the query is skipped). */
  userId: string | undefined;
  /** The account id the server already knows, so the client needs no request. */
  initialAccountId?: string;
}

/**
 * TanStack Query options for the signed-in user's account id: for `useQuery`, route loaders
 * (`ensureQueryData`), prefetching and server rendering. Plain TypeScript, no React.
 */
export function knewtonAccountQueryOptions(input: KnewtonAccountQueryOptionsInput) {
  const { userId, mode } = input;
  if (userId === '' || userId === null)
    throw new TypeError('`userId` must be a string or undefined');
  if (mode && mode !== 'lazy' && mode !== 'eager')
    throw new TypeError('`mode` must be lazy or eager');
  return queryOptions<string, KnewtonAccountError, string, KnewtonAccountQueryKey>({
    queryKey: knewtonAccountQueryKey(userId),
    queryFn:
      userId === undefined
        ? skipToken
        : // No abort signal on purpose: StrictMode's double mount would abort the first `PUT` and send
          // a second; letting the idempotent ensure finish keeps it to one request.
          () => requestKnewtonAccount(input, mode === 'eager' ? 'GET' : 'PUT'),
    initialData: input.initialAccountId,
    // An account id never changes: fetched once per user and kept until sign-out.
    staleTime: Infinity,
    gcTime: Infinity,
    retry: knewtonRetry(input.retry),
    retryDelay: knewtonRetryDelay,
    // Overrides a host default: another user's id must never stand in while this one loads.
    placeholderData: undefined,
    // The gate shows `fallback` instead; a host default must not send errors to a boundary.
    throwOnError: false,
  });
}
