import { KnewtonGate, KnewtonProvider } from '@knewton-kit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { type LoaderFunctionArgs, useLoaderData } from 'react-router';
import { sessionAccount } from '../knewton.server';

/** The server ensures the signed-in user's account: the page renders the gate open, the browser asks nothing. */
export async function loader({ request }: LoaderFunctionArgs) {
  return sessionAccount(request);
}

export default function Home() {
  const loaderData = useLoaderData<typeof loader>();
  // One client per request on the server and one per page in the browser, never shared by visitors.
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <KnewtonProvider userId={loaderData.userId} initialAccountId={loaderData.accountId}>
        <h1>Lessons</h1>
        <KnewtonGate fallback={<p>Lessons only</p>}>
          {(accountId) => <p data-testid="recommendations">Recommended for {accountId}</p>}
        </KnewtonGate>
      </KnewtonProvider>
    </QueryClientProvider>
  );
}
