'use client';

import type { KnewtonGatedProps } from '@knewton-kit/react';

/**
 * A Knewton-powered feature, as a client component a server component hands to
 * `<KnewtonGate component={Recommendations} />`: the gate renders it with the ready id. A reference to a
 * client component crosses from a server component to a client one; a function child would not.
 */
export function Recommendations({ accountId }: KnewtonGatedProps) {
  return <p data-testid="recommendations">Recommended for {accountId}</p>;
}
