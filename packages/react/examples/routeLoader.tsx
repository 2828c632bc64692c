import { knewtonAccountQueryOptions, useSuspenseKnewtonAccount } from '@knewton-kit/react';
import { QueryClient } from '@tanstack/react-query';
import ky from 'ky';

const queryClient = new QueryClient();

/** A route loader: the id is fetched before the page renders, and gates then open with no request. */
export async function lessonLoader(userId: string) {
  return queryClient.ensureQueryData(knewtonAccountQueryOptions({ userId }));
}

/** On a server, the request needs an absolute URL and the visitor's session cookie. */
export async function prefetchOnServer(userId: string, cookie: string, client: QueryClient) {
  await client.prefetchQuery(
    knewtonAccountQueryOptions({
      userId,
      mode: 'eager',
      baseUrl: 'http://127.0.0.1:8787/api/knewton',
      ky: ky.create({ headers: { cookie } }),
    }),
  );
}

/** Inside `<Suspense>` and an error boundary. */
export function AccountId() {
  const account = useSuspenseKnewtonAccount();
  return <code>{account.status === 'ready' ? account.accountId : 'signed out'}</code>;
}
