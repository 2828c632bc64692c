import { screen } from '@testing-library/react';
import { Component, type ReactNode, Suspense } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { setupMswServer } from '../test/support/mswServer.js';
import { renderWithClient } from '../test/support/renderWithClient.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';
import { useKnewtonAccount } from './useKnewtonAccount.js';
import { useSuspenseKnewtonAccount } from './useSuspenseKnewtonAccount.js';

const msw = setupMswServer();

function Account() {
  const account = useSuspenseKnewtonAccount();
  return <p>{account.status === 'ready' ? `ready ${account.accountId}` : account.status}</p>;
}

function PlainStatus() {
  return <p>{useKnewtonAccount().status}</p>;
}

class Boundary extends Component<{ children: ReactNode }, { caught?: Error }> {
  override state: { caught?: Error } = {};
  static getDerivedStateFromError(caught: Error) {
    return { caught };
  }
  override render() {
    return this.state.caught ? <p>caught {this.state.caught.name}</p> : this.props.children;
  }
}

const tree = (
  <Boundary>
    <Suspense fallback={<p>suspended</p>}>
      <Account />
    </Suspense>
  </Boundary>
);

describe('useSuspenseKnewtonAccount', () => {
  it('suspends, then returns the id', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-s' }));
    renderWithClient(tree, { provider: { userId: 'u1' } });
    expect(screen.queryByText('suspended')).not.toBeNull();
    await screen.findByText('ready acc-s');
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });

  it('returns signed-out without suspending or asking', () => {
    renderWithClient(tree, { provider: { userId: undefined } });
    expect(screen.queryByText('signed-out')).not.toBeNull();
    expect(msw.sent()).toEqual([]);
  });

  it('stays signed-out even when an id was cached without a user', () => {
    // useKnewtonAccount() creates the signed-out entry first, holding the stray bootstrapped id.
    renderWithClient(
      <>
        <PlainStatus />
        {tree}
      </>,
      { provider: { userId: undefined, initialAccountId: 'acc-stray' } },
    );
    expect(screen.getAllByText('signed-out')).toHaveLength(2);
    expect(msw.sent()).toEqual([]);
  });

  it('throws a final failure to the error boundary', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    msw.server.use(...knewtonHandlers({ error: 'unauthenticated' }));
    renderWithClient(tree, { provider: { userId: 'u1' } });
    expect((await screen.findByText(/^caught /)).textContent).toBe('caught KnewtonAccountError');
    quiet.mockRestore();
  });
});
