import type { ReactNode } from 'react';
import { KnewtonGate as ClientKnewtonGate, type KnewtonGateProps } from '../KnewtonGate.js';

/**
 * `<KnewtonGate>` as a server component imports it (the package's `react-server` export condition,
 * which Next.js and other React Server Components bundlers apply to server code). It renders the client
 * gate unchanged, after checking the props a server component cannot hand to a client one: React
 * refuses a function there with a message that does not name the gate or the fix, so this names both.
 */
export function KnewtonGate(props: KnewtonGateProps): ReactNode {
  for (const [prop, fix] of fixes) {
    const value = props[prop];
    if (typeof value === 'function' && !crossesToTheClient(value)) {
      throw new TypeError(
        `<KnewtonGate ${prop}={function}> was rendered by a server component, and React cannot pass a function from a server component to a client component. ${fix}`,
      );
    }
  }
  return <ClientKnewtonGate {...props} />;
}

const fixes = [
  [
    'children',
    'Pass the client component that shows the feature instead: <KnewtonGate component={Recommendations} />, where Recommendations is exported from a "use client" file and receives { accountId } as a prop. Or render the gate from a "use client" file.',
  ],
  [
    'component',
    'Pass a client component: one exported from a "use client" file, which receives { accountId } as a prop.',
  ],
  [
    'error',
    'Pass an element (it cannot receive the error or a retry), or render the gate from a "use client" file.',
  ],
  [
    'onError',
    'Pass a server function (a "use server" function), or render the gate from a "use client" file.',
  ],
] as const;

/** React serialises references to client components and server functions; any other function fails. */
function crossesToTheClient(value: object): boolean {
  const tag = (value as { $$typeof?: unknown }).$$typeof;
  return (
    tag === Symbol.for('react.client.reference') || tag === Symbol.for('react.server.reference')
  );
}
