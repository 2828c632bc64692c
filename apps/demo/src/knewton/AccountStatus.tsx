import { KnewtonGate } from '@knewton-kit/react';
import { AccountBadge } from './AccountBadge.js';
import { KnewtonUnavailable } from './KnewtonUnavailable.js';

/**
 * The header's Knewton status: the badge once the account is ready, a quiet "paused" note with a
 * retry while the platform or the BFF is unavailable, and nothing at all while signed out, pending, or
 * when the user simply has no account (eager mode before sign-up): retrying would not change that.
 */
export function AccountStatus() {
  // The slot keeps its size whatever the gate shows, so the header never grows under the reader.
  return (
    <span className="account-status">
      <KnewtonGate
        error={(error, retry) => (error.retryable ? <KnewtonUnavailable retry={retry} /> : null)}
      >
        {(accountId) => <AccountBadge accountId={accountId} />}
      </KnewtonGate>
    </span>
  );
}
