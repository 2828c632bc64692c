import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { knewtonQueryKeyPrefix } from './knewtonAccountQueryKey.js';
import { KnewtonContext } from './knewtonContext.js';

export interface KnewtonProviderProps extends KnewtonClientOptions {
  /** The signed-in user's id in the host app (never PII); `undefined` when signed out. */
  userId: string | undefined;
  /** The account id the server rendered the page with, for `userId`: gates open with no request. */
  initialAccountId?: string;
  children?: ReactNode;
}

/**
 * Tells the kit's hooks and gates where the BFF is and who is signed in. Uses the app's QueryClient
 * (place it inside `QueryClientProvider`). Only the current user's id stays cached: signing out or
 * switching users removes the others.
 */
export function KnewtonProvider({ children, initialAccountId, ...input }: KnewtonProviderProps) {
  const queryClient = useQueryClient();
  const { userId } = input;
  // The bootstrapped id belongs to the user the page was rendered for, never to a later one.
  const [bootstrapUserId] = useState(userId);
  useEffect(() => {
    queryClient.removeQueries({
      queryKey: knewtonQueryKeyPrefix,
      predicate: (query) => query.queryKey[2] !== userId,
    });
  }, [queryClient, userId]);
  return (
    <KnewtonContext.Provider
      value={{
        ...input,
        initialAccountId: userId === bootstrapUserId ? initialAccountId : undefined,
      }}
    >
      {children}
    </KnewtonContext.Provider>
  );
}
