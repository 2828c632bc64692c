// The README's happy path, type-checked with the package.
import { KnewtonGate, KnewtonProvider } from '@knewton-kit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';

declare function useSession(): { user?: { id: string } };
declare function Recommendations(props: { accountId: string }): React.ReactNode;

export function App() {
  const { user } = useSession();
  // One client per app instance: per request on a server, never shared between visitors.
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <KnewtonProvider userId={user?.id}>
        <main>
          <h1>Lessons</h1>
          <KnewtonGate>{(accountId) => <Recommendations accountId={accountId} />}</KnewtonGate>
        </main>
      </KnewtonProvider>
    </QueryClientProvider>
  );
}
