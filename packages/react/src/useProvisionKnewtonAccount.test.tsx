import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';
import { setupMswServer } from './testSupport/mswServer.js';
import { renderWithClient } from './testSupport/renderWithClient.js';
import { useProvisionKnewtonAccount } from './useProvisionKnewtonAccount.js';

const msw = setupMswServer();

function SignUpStep() {
  const provision = useProvisionKnewtonAccount();
  return (
    <button type="button" onClick={() => provision.mutate()}>
      {provision.isSuccess ? `provisioned ${provision.data}` : 'finish sign-up'}
    </button>
  );
}

describe('useProvisionKnewtonAccount (eager mode)', () => {
  it('keeps the gate closed on account_not_found, then opens it with no further request', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-new' }));
    renderWithClient(
      <>
        <KnewtonGate fallback={<p>closed</p>} error={(error) => <p>closed: {error.code}</p>}>
          {(accountId) => <p>open for {accountId}</p>}
        </KnewtonGate>
        <KnewtonGate>{(accountId) => <p>second gate {accountId}</p>}</KnewtonGate>
        <SignUpStep />
      </>,
      { provider: { userId: 'u1', mode: 'eager' } },
    );
    // 404 account_not_found is a distinct, final state: not retried, gate closed.
    expect(await screen.findByText('closed: account_not_found')).toBeDefined();
    expect(msw.sent()).toEqual(['GET /api/knewton/account']);

    fireEvent.click(screen.getByRole('button', { name: 'finish sign-up' }));
    expect(await screen.findByText('open for acc-new')).toBeDefined();
    expect(screen.getByText('second gate acc-new')).toBeDefined();
    expect(screen.getByRole('button', { name: 'provisioned acc-new' })).toBeDefined();
    expect(msw.sent()).toEqual(['GET /api/knewton/account', 'PUT /api/knewton/account']);
    expect(msw.requests[1]?.headers.get('X-CSRF')).toBe('1');
  });

  it('fills the cache before any gate mounts, so later gates never ask', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-early' }));
    const view = renderWithClient(<SignUpStep />, { provider: { userId: 'u1', mode: 'eager' } });
    fireEvent.click(screen.getByRole('button'));
    await screen.findByText('provisioned acc-early');
    view.rerender({}, <KnewtonGate>{(accountId) => <p>open for {accountId}</p>}</KnewtonGate>);
    expect(screen.getByText('open for acc-early')).toBeDefined();
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });
});
