import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useState,
} from 'react';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { knewtonQueryKeyPrefix } from './knewtonAccountQueryKey.js';
import type { KnewtonAccountQueryOptionsInput } from './knewtonAccountQueryOptions.js';

export interface KnewtonProviderProps extends KnewtonClientOptions {
  /** The signed-in user's id in the host app (never PII); `undefined` when signed out. */
  userId: string | undefined;
  /** The account id the server rendered the page with, for `userId`: gates open with no request. */
  initialAccountId?: string;
  children?: ReactNode;
}

const KnewtonContext = createContext<KnewtonAccountQueryOptionsInput | undefined>(undefined);

/**
 * Tells the kit's hooks and gates where the BFF is and who is signed in. Uses the app's QueryClient
 * (place it inside `QueryClientProvider`). Ids are cached per user, so another user's is never shown,
 * and signing out removes them all.
 */
export function KnewtonProvider({ children, initialAccountId, ...input }: KnewtonProviderProps) {
  const queryClient = useQueryClient();
  const { userId } = input;
  // The bootstrapped id belongs to the user the page was rendered for, never to a later one.
  const [bootstrapUserId] = useState(userId);
  // Signing out forgets every user's id; a switch needs nothing, as ids are cached per user.
  useEffect(() => {
    if (userId === undefined) queryClient.removeQueries({ queryKey: knewtonQueryKeyPrefix });
  }, [queryClient, userId]);
  // createElement rather than JSX: one import less in a package with a 1.5 kB budget.
  return createElement(
    KnewtonContext.Provider,
    {
      value: {
        ...input,
        initialAccountId: userId === bootstrapUserId ? initialAccountId : undefined,
      },
    },
    children,
  );
}

/** The nearest `KnewtonProvider`'s settings; misuse names the fix. */
export function useKnewtonContext(): KnewtonAccountQueryOptionsInput {
  const input = useContext(KnewtonContext);
  if (!input) throw new Error('Wrap this part of the app in <KnewtonProvider>');
  return input;
}
