import { useEffect } from 'react';

export interface KnewtonUnavailableProps {
  retry: () => void;
  /** How long the server asked us to wait before trying again, in milliseconds, when it said. */
  retryAfterMs?: number | undefined;
}

/** Time before the app tries again by itself when the server gave no `Retry-After`. */
const defaultRetryMs = 10_000;

/**
 * What the header shows while the Knewton account cannot be resolved: a quiet note, a button to try
 * again now, and an automatic retry, so the personalised features come back on their own after an
 * outage. Nothing else on the page depends on it.
 */
export function KnewtonUnavailable({ retry, retryAfterMs }: KnewtonUnavailableProps) {
  const delayMs = Math.max(retryAfterMs ?? defaultRetryMs, 1000);
  useEffect(() => {
    const timer = setTimeout(retry, delayMs);
    return () => clearTimeout(timer);
  }, [retry, delayMs]);
  return (
    <span className="knewton-unavailable">
      <span className="muted">Personalisation paused</span>
      <button type="button" className="button link" onClick={retry}>
        Retry
      </button>
    </span>
  );
}
