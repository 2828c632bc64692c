import { currentUserId } from '@/server/currentUser';
import { accountIdFor } from '@/server/knewton';
import { Providers } from './Providers';
import { Recommendations } from './Recommendations';

/** Server rendering with `initialAccountId`: the server ensures the account, the browser asks nothing. */
export default async function Home() {
  const userId = await currentUserId();
  const initialAccountId = await accountIdFor(userId);
  return (
    <Providers userId={userId} initialAccountId={initialAccountId}>
      <h1>Lessons</h1>
      <Recommendations />
    </Providers>
  );
}
