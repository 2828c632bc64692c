import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { readProvisioningMode } from '../knewton/provisioningMode.js';
import { setPlatformOutage } from './platformFaults.js';

const outageStorageKey = 'knewton-demo:platform-outage';

/**
 * Development builds only. Switches a simulated platform outage on and off, so anyone can watch the
 * personalised features hide while the lessons keep working, and then come back.
 */
export function DevPanel() {
  const queryClient = useQueryClient();
  // Open by default where there is room for it; collapsed on small screens so it hides no content.
  const [open, setOpen] = useState(() => window.matchMedia?.('(min-width: 52rem)').matches ?? true);
  const [outage, setOutage] = useState(() => sessionStorage.getItem(outageStorageKey) === 'on');
  const bodyId = useId();
  const descriptionId = useId();
  const mode = readProvisioningMode(window.location.search);

  const toggle = useMutation({
    mutationFn: async (on: boolean) => {
      await setPlatformOutage(on);
      return on;
    },
    onSuccess: (on) => {
      setOutage(on);
      sessionStorage.setItem(outageStorageKey, on ? 'on' : 'off');
      // Ask again now instead of waiting for the next scheduled retry, so the effect shows at once.
      void queryClient.invalidateQueries();
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
            disabled={toggle.isPending}
            onClick={() => toggle.mutate(!outage)}
          >
            <span className="switch-thumb" aria-hidden="true" />
          </button>
        </div>
        <p id={descriptionId} className="hint">
          {outage
            ? 'On: the simulator answers 503 to every call. Personalised features hide; lessons keep working.'
            : 'Off: the simulated Knewton Platform answers normally.'}
        </p>
        {toggle.isError && (
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
      </div>
    </aside>
  );
}
