import { KnewtonProvider, useProvisionKnewtonAccount } from '@knewton-kit/react';
import { useEffect } from 'react';

/** Rendered once the new user's session exists and `KnewtonProvider` has their `userId`. */
export function FinishSignUp({ onDone }: { onDone: () => void }) {
  const provision = useProvisionKnewtonAccount();
  // biome-ignore lint/correctness/useExhaustiveDependencies: provision once, when this step appears
  useEffect(() => {
    provision.mutate(undefined, { onSettled: onDone });
  }, []);
  return <p>{provision.isPending ? 'Setting up personalised lessons…' : 'Done'}</p>;
}

export function EagerApp({ userId, children }: { userId?: string; children: React.ReactNode }) {
  // Gates only read (GET); accounts are created by the sign-up flow above.
  return (
    <KnewtonProvider userId={userId} mode="eager">
      {children}
    </KnewtonProvider>
  );
}
