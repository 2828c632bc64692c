'use client';

import { useKnewtonAccount } from '@knewton-kit/react';

/**
 * A Knewton-powered feature, as a client component a server component can put inside `<KnewtonGate>`:
 * elements cross from server to client components, functions do not, so it reads the id with a hook
 * instead of taking the gate's `(accountId) => ...` render prop.
 */
export function Recommendations() {
  const account = useKnewtonAccount();
  // Inside the gate the account is always ready; the check narrows the type.
  if (account.status !== 'ready') return null;
  return <p data-testid="recommendations">Recommended for {account.accountId}</p>;
}
