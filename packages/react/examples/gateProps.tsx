import {
  isKnewtonAccountError,
  KnewtonGate,
  type KnewtonGatedProps,
  useKnewtonAccount,
} from '@knewton-kit/react';

declare function reportToMonitoring(error: Error): void;

export function RecommendedNext() {
  return (
    <KnewtonGate
      fallback={null}
      pending={<p>Finding your next lesson…</p>}
      error={(error, retry) => (
        <p>
          Recommendations are unavailable.{' '}
          {error.retryable && (
            <button type="button" onClick={retry}>
              Try again
            </button>
          )}
        </p>
      )}
      onError={(error) => {
        if (!isKnewtonAccountError(error, 'account_not_found')) reportToMonitoring(error);
      }}
    >
      {(accountId) => <a href={`/next?account=${accountId}`}>Your next lesson</a>}
    </KnewtonGate>
  );
}

/** The same link as a component: what a server component passes, as it cannot pass a function. */
export function NextLessonLink({ accountId }: KnewtonGatedProps) {
  return <a href={`/next?account=${accountId}`}>Your next lesson</a>;
}

export function RecommendedNextLink() {
  return <KnewtonGate fallback={null} component={NextLessonLink} />;
}

export function AccountBadge() {
  const account = useKnewtonAccount();
  switch (account.status) {
    case 'ready':
      return <span title={account.accountId}>Personalised</span>;
    case 'error':
      return isKnewtonAccountError(account.error, 'rate_limited') ? (
        <span>Busy, retrying in {Math.ceil((account.error.retryAfterMs ?? 1000) / 1000)} s</span>
      ) : null;
    default:
      return null;
  }
}
