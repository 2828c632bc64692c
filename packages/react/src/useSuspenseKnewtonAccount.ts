'use client';

import { type UseSuspenseQueryOptions, useSuspenseQuery } from '@tanstack/react-query';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonAccountId } from './KnewtonAccountId.js';
import { useKnewtonContext } from './KnewtonProvider.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';

export type UseSuspenseKnewtonAccountResult =
  | { status: 'signed-out' }
  | { status: 'ready'; accountId: KnewtonAccountId };

/**
 * Like `useKnewtonAccount()`, for Suspense: suspends while pending and throws failures (a
 * `KnewtonAccountError`) to the nearest error boundary. Signed out does not suspend.
 */
export function useSuspenseKnewtonAccount(): UseSuspenseKnewtonAccountResult {
  const input = useKnewtonContext();
  const options = knewtonAccountQueryOptions(input);
  const { data } = useSuspenseQuery(
    (input.userId === undefined
      ? // Signed out: settled at once with no account, and never fetched.
        { ...options, queryFn: () => null, initialData: null }
      : options) as UseSuspenseQueryOptions<string | null, KnewtonAccountError>,
  );
  // Decided by `userId`, not by `data`: nothing cached while signed out may pass for an id.
  return input.userId === undefined
    ? { status: 'signed-out' }
    : { status: 'ready', accountId: data as KnewtonAccountId };
}
