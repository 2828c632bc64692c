// The README's happy path, type-checked with the package (`pnpm --filter @knewton-kit/react typecheck`).
import { KnewtonGate, KnewtonProvider } from '@knewton-kit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';

declare function useSession(): { user?: { id: string } };
declare function Recommendations(props: { accountId: string }): React.ReactNode;

const queryClient = new QueryClient();

export function App() {
  const { user } = useSession();
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
