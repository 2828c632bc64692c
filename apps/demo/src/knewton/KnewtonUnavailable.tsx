export interface KnewtonUnavailableProps {
  retry: () => void;
}

/**
 * What the header shows while the Knewton account cannot be resolved: a quiet note and a button to
 * try again now. No timer of its own: the kit keeps trying in the background and the badge replaces
 * this note by itself once the platform is back. Nothing else on the page depends on it.
 */
export function KnewtonUnavailable({ retry }: KnewtonUnavailableProps) {
  return (
    <span className="knewton-unavailable">
      <span className="muted">Personalisation paused</span>
      <button type="button" className="button link" onClick={retry}>
        Retry
      </button>
    </span>
  );
}
