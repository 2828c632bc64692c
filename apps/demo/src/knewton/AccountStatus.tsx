import { KnewtonGate } from '@knewton-kit/react';
import { AccountBadge } from './AccountBadge.js';
import { KnewtonUnavailable } from './KnewtonUnavailable.js';

/**
 * The header's Knewton status: the badge once the account is ready, a quiet "paused" note with a
 * retry while it cannot be had, and nothing at all while signed out or pending (no flicker).
 */
export function AccountStatus() {
  return (
    <KnewtonGate
      error={(error, retry) => (
        <KnewtonUnavailable retry={retry} retryAfterMs={error.retryAfterMs} />
      )}
    >
      {(accountId) => <AccountBadge accountId={accountId} />}
    </KnewtonGate>
  );
}
