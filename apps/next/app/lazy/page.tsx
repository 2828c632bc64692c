import { KnewtonGate } from '@knewton-kit/react';
import { currentUserId } from '@/server/currentUser';
import { Providers } from '../Providers';
import { Recommendations } from '../Recommendations';

/**
 * No bootstrap: the server knows only the user, so it renders the gate's fallback and the browser asks
 * for the account. What the server renders here must come from this request alone.
 */
export default async function Lazy() {
  const userId = await currentUserId();
  return (
    <Providers userId={userId}>
      <h1>Lessons</h1>
      <KnewtonGate fallback={<p>Lessons only</p>} component={Recommendations} />
    </Providers>
  );
}
