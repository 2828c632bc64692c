import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
      // The kit clears its own cache on sign-out, the recommendation included.
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}
