'use client';

import { KnewtonGate } from '@knewton-kit/react';

/** A Knewton-powered feature: a client component, since the gate's render prop is a function. */
export function Recommendations() {
  return (
    <KnewtonGate fallback={<p>Lessons only</p>}>
      {(accountId) => <p data-testid="recommendations">Recommended for {accountId}</p>}
    </KnewtonGate>
  );
}
