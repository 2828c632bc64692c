'use client';

import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { knewtonQueryKeyPrefix } from './knewtonAccountQueryKey.js';
import type { KnewtonAccountQueryOptionsInput } from './knewtonAccountQueryOptions.js';

export interface KnewtonProviderProps extends KnewtonClientOptions {
  /** The signed-in user's id in the host app (never PII); `undefined` when signed out. */
  userId: string | undefined;
  /** The account id the server rendered the page with, for `userId`: gates open with no request. */
  initialAccountId?: string | undefined;
  children?: ReactNode;
}

const KnewtonContext = createContext<KnewtonAccountQueryOptionsInput | undefined>(undefined);

/**
 * The host's own `retry` default for queries, when it is a count or `false`: a test client with
 * `retry: false` then fails at once instead of waiting out the kit's three retries.
 */
function hostRetry(client: QueryClient): number | undefined {
  const retry = client.getDefaultOptions().queries?.retry;
  return retry === false ? 0 : typeof retry === 'number' ? retry : undefined;
}

/**
 * Tells the kit's hooks and gates where the BFF is and who is signed in. Uses the app's QueryClient
 * (place it inside `QueryClientProvider`). Ids are cached per user, so another user's is never shown,
 * and signing out removes them all.
 */
export function KnewtonProvider({
  children,
  userId,
  initialAccountId,
  baseUrl,
  mode,
  ky,
  retry,
}: KnewtonProviderProps) {
  const queryClient = useQueryClient();
  // The bootstrapped id belongs to the user the page was rendered for, never to a later one.
  const [bootstrapUserId] = useState(userId);
  // Signing out forgets every user's id; a switch needs nothing, as ids are cached per user.
  useEffect(() => {
    if (userId === undefined) queryClient.removeQueries({ queryKey: knewtonQueryKeyPrefix });
  }, [queryClient, userId]);
  const bootstrapped = userId === bootstrapUserId ? initialAccountId : undefined;
  // Memoised so the hooks' effects and memos keyed on the settings run only when one changes.
  const value = useMemo(
    () => ({
      userId,
      baseUrl,
      mode,
      ky,
      retry: retry ?? hostRetry(queryClient),
      initialAccountId: bootstrapped,
    }),
    [userId, baseUrl, mode, ky, retry, queryClient, bootstrapped],
  );
  return <KnewtonContext.Provider value={value}>{children}</KnewtonContext.Provider>;
}

/** The nearest `KnewtonProvider`'s settings; misuse names the fix. */
export function useKnewtonContext(): KnewtonAccountQueryOptionsInput {
  const input = useContext(KnewtonContext);
  if (!input) throw new Error('Wrap this part of the app in <KnewtonProvider>');
  return input;
}
