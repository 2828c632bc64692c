'use client';

import { type ComponentType, type ReactNode, useEffect, useRef } from 'react';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import type { KnewtonAccountId } from './KnewtonAccountId.js';
import { useKnewtonAccount } from './useKnewtonAccount.js';

/** The renderings of every state but ready. */
interface KnewtonGateStates {
  /** Shown whenever the children are not: signed out, opted out, pending, failed. @default null */
  fallback?: ReactNode;
  /** Shown while the id is being fetched. @default fallback */
  pending?: ReactNode;
  /**
   * Shown from the last failed attempt until the account is ready, while the kit keeps trying in the
   * background; a function receives the latest error and a retry. @default fallback
   */
  error?: ReactNode | ((error: KnewtonAccountError, retry: () => void) => ReactNode);
  /**
   * Called once when the gate reaches its error state (after the last retry), for logging; not again
   * for the background attempts that follow.
   */
  onError?: ((error: KnewtonAccountError) => void) | undefined;
}

/** What `<KnewtonGate component={...}>` renders: the ready account's id as a prop. */
export interface KnewtonGatedProps {
  accountId: KnewtonAccountId;
}

/**
 * What the gate shows once the account id is ready: `children` (an element, or a function of the id),
 * or `component`, rendered with the id as its `accountId` prop. A server component cannot pass a
 * function to a client component, so from one it passes `component` (a client component's reference
 * crosses where a function does not) or element children.
 */
type KnewtonGateContent =
  | { children: ReactNode | ((accountId: KnewtonAccountId) => ReactNode); component?: undefined }
  | { component: ComponentType<KnewtonGatedProps>; children?: undefined };

export type KnewtonGateProps = KnewtonGateStates & KnewtonGateContent;

/**
 * Renders its children only when the signed-in user's account id is ready, and `fallback` otherwise.
 * Never throws to an error boundary, never shows its children and then hides them for the same
 * user, never goes back from its error rendering to its pending one, and adds no element of its own.
 */
export function KnewtonGate({
  children,
  component: Gated,
  fallback = null,
  pending = fallback,
  error: failed = fallback,
  onError,
}: KnewtonGateProps): ReactNode {
  const account = useKnewtonAccount();
  const shownError = account.status === 'error' ? account.error : undefined;
  const inError = shownError !== undefined;
  // Once per error state, not per background attempt: the recovery replaces the error on every
  // failure, and a log line every few seconds of an outage helps nobody. The latest callback and
  // error are kept for the effect, so an inline `onError` does not report again on each render.
  const latest = useRef({ onError, error: shownError });
  const reported = useRef(false);
  useEffect(() => {
    latest.current = { onError, error: shownError };
  });
  useEffect(() => {
    const { onError: report, error } = latest.current;
    if (error && !reported.current) report?.(error);
    reported.current = inError;
  }, [inError]);
  switch (account.status) {
    case 'ready':
      if (Gated) return <Gated accountId={account.accountId} />;
      return typeof children === 'function' ? children(account.accountId) : children;
    case 'error':
      return typeof failed === 'function' ? failed(account.error, account.retry) : failed;
    case 'pending':
      return pending;
    // `signed-out` and `opted-out`: no Knewton features for this visitor, nothing to wait for.
    default:
      return fallback;
  }
}
