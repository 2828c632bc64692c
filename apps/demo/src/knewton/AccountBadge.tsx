export interface AccountBadgeProps {
  accountId: string;
}

/** Shows that personalised learning is on. Rendered only inside a `KnewtonGate`. */
export function AccountBadge({ accountId }: AccountBadgeProps) {
  return (
    <span className="badge" title={`Knewton account ${accountId}`} data-testid="knewton-badge">
      <span className="badge-dot" aria-hidden="true" />
      Personalised
      <span className="visually-hidden">: Knewton account {accountId}</span>
    </span>
  );
}
