import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { readProvisioningMode } from '../knewton/provisioningMode.js';
import { readPlatformOutage, setPlatformOutage } from './platformFaults.js';

const outageQueryKey = ['dev', 'platform-outage'] as const;

/**
 * Development builds only. Switches a simulated platform outage on and off, so anyone can watch the
 * personalised features hide while the lessons keep working, and then come back.
 */
export function DevPanel() {
  const queryClient = useQueryClient();
  // Open by default where there is room for it; collapsed on small screens so it hides no content.
  const [open, setOpen] = useState(() => window.matchMedia?.('(min-width: 52rem)').matches ?? true);
  // The server's state, not this tab's memory: a tab opened during an outage shows it on, and a
  // tab coming back to the front asks again (TanStack Query refetches on focus).
  const outageQuery = useQuery({ queryKey: outageQueryKey, queryFn: readPlatformOutage });
  const outage = outageQuery.data ?? false;
  const bodyId = useId();
  const descriptionId = useId();
  const mode = readProvisioningMode(window.location.search);

  const toggle = useMutation({
    mutationFn: async (on: boolean) => {
      await setPlatformOutage(on);
      return on;
    },
    onSuccess: (on) => {
      queryClient.setQueryData(outageQueryKey, on);
      // The recommendation is asked again so its panel shows the switch at once. The Knewton account
      // is left alone: the kit notices the outage's end by itself, which is what this panel is for
      // showing. (Matched by the key's 4th part: every user's recommendation, not their accounts.)
      void queryClient.invalidateQueries({
        predicate: (query) => query.queryKey[3] === 'recommendation',
      });
    },
  });

  return (
    <aside className="dev-panel" aria-label="Developer panel">
      <button
        type="button"
        className="dev-panel-toggle"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setOpen((value) => !value)}
      >
        Developer panel
      </button>
      <div id={bodyId} hidden={!open} className="dev-panel-body">
        <div className="switch-row">
          <span id={`${bodyId}-label`}>Platform outage</span>
          <button
            type="button"
            role="switch"
            className="switch"
            aria-checked={outage}
            aria-labelledby={`${bodyId}-label`}
            aria-describedby={descriptionId}
            disabled={toggle.isPending || outageQuery.isPending}
            onClick={() => toggle.mutate(!outage)}
          >
            <span className="switch-thumb" aria-hidden="true" />
          </button>
        </div>
        <p id={descriptionId} className="hint">
          {outage
            ? 'On: the simulator answers 503 to every call. Personalised features hide; lessons keep working.'
            : 'Off: the simulated Knewton Platform answers normally. After an outage the features come back by themselves within about 10 s.'}
        </p>
        {(toggle.isError || outageQuery.isError) && (
          <p className="error" role="alert">
            Could not reach the dev route of the BFF.
          </p>
        )}
        <p className="hint">
          Provisioning mode: <strong>{mode}</strong> ·{' '}
          <a href={mode === 'lazy' ? '?mode=eager' : '?'}>
            switch to {mode === 'lazy' ? 'eager' : 'lazy'}
          </a>
        </p>
        <p className="hint">
          {mode === 'eager'
            ? 'Eager: sign-up creates the Knewton account (useProvisionKnewtonAccount); gates only read it.'
            : 'Lazy: the first gate that needs the Knewton account creates it; sign-up shares that one request.'}
        </p>
      </div>
    </aside>
  );
}
