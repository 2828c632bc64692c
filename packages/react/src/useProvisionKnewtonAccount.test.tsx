import { fireEvent, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';
import { setupMswServer } from './testSupport/mswServer.js';
import { deferred, renderWithClient } from './testSupport/renderWithClient.js';
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

  it('caches the id for the user who asked, not for one who signed in while it was on its way', async () => {
    const answer = deferred();
    msw.server.use(
      http.put('/api/knewton/account', async () => {
        await answer.promise;
        return HttpResponse.json({ accountId: 'acc-u1', createdAt: new Date().toISOString() });
      }),
      http.get('/api/knewton/account', () =>
        HttpResponse.json({ accountId: 'acc-u2', createdAt: new Date().toISOString() }),
      ),
    );
    const view = renderWithClient(<SignUpStep />, { provider: { userId: 'u1', mode: 'eager' } });
    fireEvent.click(screen.getByRole('button', { name: 'finish sign-up' }));
    await vi.waitFor(() => expect(msw.sent()).toEqual(['PUT /api/knewton/account']));
    // u1 signs out and u2 signs in before u1's answer arrives.
    view.rerender({ userId: undefined });
    view.rerender({ userId: 'u2' });
    answer.resolve();
    await screen.findByText('provisioned acc-u1');
    view.rerender({}, <KnewtonGate>{(accountId) => <p>open for {accountId}</p>}</KnewtonGate>);
    expect(await screen.findByText('open for acc-u2')).toBeDefined();
    expect(screen.queryByText('open for acc-u1')).toBeNull();
  });
});
