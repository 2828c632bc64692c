import { fireEvent, screen } from '@testing-library/react';
import { type ReactNode, useEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { setupMswServer } from '../test/support/mswServer.js';
import { renderWithClient } from '../test/support/renderWithClient.js';
import type { KnewtonMode } from './KnewtonClientOptions.js';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';
import { useProvisionKnewtonAccount } from './useProvisionKnewtonAccount.js';

const msw = setupMswServer();

const gate = (
  <KnewtonGate pending={<p>waiting</p>} error={(error) => <p>failed: {error.code}</p>}>
    {(accountId) => <p>lessons for {accountId}</p>}
  </KnewtonGate>
);

/** A sign-up step that provisions as soon as it mounts, as a "welcome" page does. */
function ProvisionOnMount({ children }: { children?: ReactNode }) {
  const { mutate } = useProvisionKnewtonAccount();
  useEffect(() => mutate(), [mutate]);
  return <>{children}</>;
}

/** A sign-up form whose button provisions and shows the gated page in the same click. */
function ProvisionOnClick({ layout }: { layout: Layout }) {
  const { mutate } = useProvisionKnewtonAccount();
  const [done, setDone] = useState(false);
  const finish = () => {
    mutate();
    setDone(true);
  };
  const form = (
    <button type="button" onClick={finish}>
      finish sign-up
    </button>
  );
  if (!done) return form;
  if (layout === 'inside') return <>{gate}</>;
  return layout === 'before' ? (
    <>
      {gate}
      {form}
    </>
  ) : (
    <>
      {form}
      {gate}
    </>
  );
}

type Layout = 'before' | 'after' | 'inside';

const onMount: Record<Layout, ReactNode> = {
  before: (
    <>
      {gate}
      <ProvisionOnMount />
    </>
  ),
  after: (
    <>
      <ProvisionOnMount />
      {gate}
    </>
  ),
  inside: <ProvisionOnMount>{gate}</ProvisionOnMount>,
};

const layouts: Layout[] = ['before', 'after', 'inside'];
const modes: KnewtonMode[] = ['lazy', 'eager'];

describe('a sign-up sends one PUT however the page is built', () => {
  describe.each(modes)('%s mode', (mode) => {
    it.each(layouts)('gate %s the component that provisions in an effect', async (layout) => {
      msw.server.use(...knewtonHandlers({ accountId: 'acc-new' }));
      renderWithClient(onMount[layout], { provider: { userId: 'u1', mode } });
      expect((await screen.findByText('lessons for acc-new')).textContent).toBe(
        'lessons for acc-new',
      );
      expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
    });

    it.each(layouts)('gate %s the form that provisions on click', async (layout) => {
      msw.server.use(...knewtonHandlers({ accountId: 'acc-new' }));
      renderWithClient(<ProvisionOnClick layout={layout} />, { provider: { userId: 'u1', mode } });
      fireEvent.click(screen.getByRole('button', { name: 'finish sign-up' }));
      expect((await screen.findByText('lessons for acc-new')).textContent).toBe(
        'lessons for acc-new',
      );
      expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
    });
  });
});
