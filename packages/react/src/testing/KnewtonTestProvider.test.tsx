import { QueryClient, useQuery } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { KnewtonGate } from '../KnewtonGate.js';
import { useKnewtonAccount } from '../useKnewtonAccount.js';
import { KnewtonTestProvider, type KnewtonTestState } from './KnewtonTestProvider.js';
import { testKnewtonAccountId } from './knewtonHandlers.js';

/** A host app's page: a Knewton feature behind the gate, and everything else. */
function HostPage() {
  const account = useKnewtonAccount();
  return (
    <>
      <KnewtonGate
        fallback={<p>no recommendations</p>}
        pending={<p>loading recommendations</p>}
        error={(error, retry) => (
          <button type="button" onClick={retry}>
            try again ({error.code}, retryable: {String(error.retryable)})
          </button>
        )}
      >
        {(accountId) => <p>recommendations for {accountId}</p>}
      </KnewtonGate>
      <p>status {account.status}</p>
    </>
  );
}

function Lessons() {
  const { data } = useQuery({ queryKey: ['lessons'], queryFn: () => [] as string[] });
  return <p>lessons {data?.join()}</p>;
}

describe('KnewtonTestProvider', () => {
  it.each<[KnewtonTestState, string]>([
    [{ status: 'ready', accountId: 'acc-pinned' }, 'recommendations for acc-pinned'],
    [{ status: 'ready' }, `recommendations for ${testKnewtonAccountId}`],
    [{ status: 'pending' }, 'loading recommendations'],
    [{ status: 'signed-out' }, 'no recommendations'],
    [{ status: 'error' }, 'try again (knewton_unavailable, retryable: true)'],
    [{ status: 'error', code: 'unauthenticated' }, 'try again (unauthenticated, retryable: false)'],
    [{ status: 'error', code: 'network_error' }, 'try again (network_error, retryable: true)'],
  ])('pins %j from the first render', async (state, text) => {
    render(
      <KnewtonTestProvider state={state}>
        <HostPage />
      </KnewtonTestProvider>,
    );
    expect(screen.queryByText(text)).not.toBeNull();
    expect(screen.queryByText(`status ${state.status}`)).not.toBeNull();
    // Still there once everything settles: pinned means pinned.
    await act(async () => {});
    expect(screen.queryByText(text)).not.toBeNull();
  });

  it('answers retry() with the same pinned error, with no network', async () => {
    render(
      <KnewtonTestProvider state={{ status: 'error', code: 'rate_limited' }}>
        <HostPage />
      </KnewtonTestProvider>,
    );
    fireEvent.click(screen.getByRole('button'));
    await act(async () => {});
    await screen.findByText('try again (rate_limited, retryable: true)');
    expect(screen.queryByText(/^recommendations for/)).toBeNull();
  });

  it('shares the host QueryClient with the page’s own queries', async () => {
    const client = new QueryClient();
    client.setQueryData(['lessons'], ['algebra']);
    render(
      <KnewtonTestProvider state={{ status: 'ready' }} queryClient={client}>
        <Lessons />
      </KnewtonTestProvider>,
    );
    expect(screen.queryByText('lessons algebra')).not.toBeNull();
  });
});
