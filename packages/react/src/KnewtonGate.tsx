import { type ReactNode, useEffect } from 'react';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { useKnewtonAccount } from './useKnewtonAccount.js';

export interface KnewtonGateProps {
  /** Shown only once the account id is ready; a function receives the id. */
  children: ReactNode | ((accountId: string) => ReactNode);
  /** Shown whenever the children are not: signed out, pending, failed. @default null */
  fallback?: ReactNode;
  /** Shown while the id is being fetched. @default fallback */
  pending?: ReactNode;
  /** Shown after the last failed attempt; a function receives the error and a retry. @default fallback */
  error?: ReactNode | ((error: KnewtonAccountError, retry: () => void) => ReactNode);
  /** Called once per failure (after the last retry), for logging. */
  onError?: (error: KnewtonAccountError) => void;
}

/**
 * Renders its children only when the signed-in user's account id is ready, and `fallback` otherwise.
 * Never throws to an error boundary, never shows its children and then hides them for the same
 * user, and adds no element of its own.
 */
export function KnewtonGate({
  children,
  fallback = null,
  pending = fallback,
  error: failed = fallback,
  onError,
}: KnewtonGateProps): ReactNode {
  const account = useKnewtonAccount();
  // Only the error state has these; reading them off any state keeps the gate small.
  const { error, retry } = account as { error?: KnewtonAccountError; retry: () => void };
  // Once per error: `onError` is left out of the dependencies so an inline callback does not repeat it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    if (error) onError?.(error);
  }, [error]);
  if (account.status === 'ready') {
    return typeof children === 'function' ? children(account.accountId) : children;
  }
  if (error) return typeof failed === 'function' ? failed(error, retry) : failed;
  return account.status === 'pending' ? pending : fallback;
}
