import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { recommendationQueryKeyRoot } from '../knewton/recommendationQuery.js';
import { fetchSession, type Session, signIn, signOut } from './sessionApi.js';

export const sessionQueryKey = ['session'] as const;

/** The signed-in user (`null` when signed out); `undefined` while the first check is in flight. */
export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => signIn(userId),
    onSuccess: (session: Session) => {
      queryClient.setQueryData(sessionQueryKey, session);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSuccess: () => {
      queryClient.setQueryData(sessionQueryKey, null);
      // The kit clears its own account cache on sign-out; the app clears what it derived from it.
      queryClient.removeQueries({ queryKey: recommendationQueryKeyRoot });
    },
  });
}
