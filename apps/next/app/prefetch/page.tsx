import { KnewtonGate, knewtonAccountQueryOptions } from '@knewton-kit/react';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { currentUserId } from '@/server/currentUser';
import { accountIdFor } from '@/server/knewton';
import { Providers } from '../Providers';
import { Recommendations } from '../Recommendations';

/** Server rendering with a dehydrated prefetch: the kit's query, filled on the server, hydrated in the browser. */
export default async function Prefetched() {
  const userId = await currentUserId();
  const queryClient = new QueryClient();
  const accountId = await accountIdFor(userId);
  if (userId !== undefined && accountId !== undefined) {
    queryClient.setQueryData(knewtonAccountQueryOptions({ userId }).queryKey, accountId);
  }
  return (
    <Providers userId={userId}>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <h1>Lessons</h1>
        <KnewtonGate fallback={<p>Lessons only</p>} component={Recommendations} />
      </HydrationBoundary>
    </Providers>
  );
}
