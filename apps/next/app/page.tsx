import { KnewtonGate } from '@knewton-kit/react';
import { currentUserId } from '@/server/currentUser';
import { accountIdFor } from '@/server/knewton';
import { Providers } from './Providers';
import { Recommendations } from './Recommendations';

/**
 * Server rendering with `initialAccountId`: the server ensures the account, the browser asks nothing. A
 * server component renders the gate, and gives it a client component to render with the id (a function
 * child cannot cross to the client gate).
 */
export default async function Home() {
  const userId = await currentUserId();
  const initialAccountId = await accountIdFor(userId);
  return (
    <Providers userId={userId} initialAccountId={initialAccountId}>
      <h1>Lessons</h1>
      <KnewtonGate fallback={<p>Lessons only</p>} component={Recommendations} />
    </Providers>
  );
}
