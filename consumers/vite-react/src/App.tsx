import {
  KnewtonGate,
  KnewtonProvider,
  knewtonAccountQueryOptions,
  useKnewtonAccount,
} from '@knewton-kit/react';
import { type QueryClient, useQuery } from '@tanstack/react-query';

/** What a host app's optional Knewton feature looks like: hidden until the account id resolves. */
export function Recommendations() {
  return (
    <KnewtonGate fallback={<p>Lessons only</p>}>
      {(accountId) => <p>Recommended for {accountId}</p>}
    </KnewtonGate>
  );
}

/** The hook's union narrows in the host's own strict TypeScript. */
export function AccountStatus() {
  const account = useKnewtonAccount();
  if (account.status === 'ready') return <span>Account {account.accountId}</span>;
  if (account.status === 'error') return <span>Paused: {account.error.code}</span>;
  return <span>{account.status}</span>;
}

/** The query options type-check as TanStack Query's own (the `DataTag` in their declaration). */
export function useAccountIdQuery(userId: string | undefined) {
  return useQuery(knewtonAccountQueryOptions({ userId }));
}

export async function prefetchAccount(queryClient: QueryClient, userId: string) {
  const id: string = await queryClient.ensureQueryData(knewtonAccountQueryOptions({ userId }));
  return id;
}

export function App({ userId }: { userId: string | undefined }) {
  return (
    <KnewtonProvider userId={userId}>
      <h1>Lessons</h1>
      <AccountStatus />
      <Recommendations />
    </KnewtonProvider>
  );
}
