import { KnewtonGate, KnewtonProvider } from '@knewton-kit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { type LoaderFunctionArgs, useLoaderData } from 'react-router';
import { sessionFromRequest } from '../session.server';

/**
 * No bootstrap: the loader gives only the user, so the server renders the gate's fallback and the
 * browser asks for the account. What the server renders here must come from this request alone.
 */
export function loader({ request }: LoaderFunctionArgs) {
  return { userId: sessionFromRequest(request) };
}

export default function Lazy() {
  const { userId } = useLoaderData<typeof loader>();
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <KnewtonProvider userId={userId}>
        <h1>Lessons</h1>
        <KnewtonGate fallback={<p>Lessons only</p>}>
          {(accountId) => <p data-testid="recommendations">Recommended for {accountId}</p>}
        </KnewtonGate>
      </KnewtonProvider>
    </QueryClientProvider>
  );
}
