import { act, fireEvent, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { Component, type ReactNode, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { accountUrl, setupMswServer } from '../test/support/mswServer.js';
import { deferred, renderWithClient } from '../test/support/renderWithClient.js';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonErrorResponse } from './testing/knewtonErrorResponse.js';

const msw = setupMswServer();
const account = (accountId: string) => ({ accountId, createdAt: '2026-01-01T00:00:00.000Z' });

/** Catches what reaches a boundary, which the gate must never send there. */
class Boundary extends Component<{ children: ReactNode }, { caught?: unknown }> {
  override state: { caught?: unknown } = {};
  static getDerivedStateFromError(caught: unknown) {
    return { caught };
  }
  override render() {
    return this.state.caught ? <p>boundary caught</p> : this.props.children;
  }
}

function Counter() {
  const [count, setCount] = useState(0);
  return (
    <button type="button" onClick={() => setCount(count + 1)}>
      clicked {count}
    </button>
  );
}

const recommendationsRendered = vi.fn<(accountId: string) => void>();
function Recommendations({ accountId }: { accountId: string }) {
  recommendationsRendered(accountId);
  return <p>recommended for {accountId}</p>;
}

describe('KnewtonGate', () => {
  it('shows pending, then the children, and adds no element of its own', async () => {
    const answer = deferred();
    msw.server.use(
      http.put(accountUrl, async () => {
        await answer.promise;
        return HttpResponse.json(account('acc-1'));
      }),
    );
    const { container } = renderWithClient(
      <KnewtonGate pending={<i>loading</i>} fallback={<b>nothing</b>}>
        <em>recommendations</em>
      </KnewtonGate>,
      { provider: { userId: 'u1' } },
    );
    expect(container.innerHTML).toBe('<i>loading</i>');
    answer.resolve();
    await screen.findByText('recommendations');
    expect(container.innerHTML).toBe('<em>recommendations</em>');
  });

  it('passes the account id to a function child', async () => {
    msw.server.use(http.put(accountUrl, () => HttpResponse.json(account('acc-fn'))));
    renderWithClient(<KnewtonGate>{(accountId) => <p>for {accountId}</p>}</KnewtonGate>, {
      provider: { userId: 'u1' },
    });
    expect((await screen.findByText(/^for /)).textContent).toBe('for acc-fn');
  });

  it('renders a component with the account id as its prop, and only once the id is ready', async () => {
    const answer = deferred();
    msw.server.use(
      http.put(accountUrl, async () => {
        await answer.promise;
        return HttpResponse.json(account('acc-component'));
      }),
    );
    const { container } = renderWithClient(
      <KnewtonGate component={Recommendations} pending="loading" />,
      { provider: { userId: 'u1' } },
    );
    expect(container.innerHTML).toBe('loading');
    answer.resolve();
    expect((await screen.findByText(/^recommended/)).textContent).toBe(
      'recommended for acc-component',
    );
    expect(container.innerHTML).toBe('<p>recommended for acc-component</p>');
    expect(recommendationsRendered.mock.calls.map(([accountId]) => accountId)).toEqual([
      'acc-component',
    ]);
  });

  it('renders nothing by default, and the fallback when signed out', () => {
    const { container, rerender } = renderWithClient(<KnewtonGate>hidden</KnewtonGate>, {
      provider: { userId: undefined },
    });
    expect(container.innerHTML).toBe('');
    rerender({}, <KnewtonGate fallback="signed out">hidden</KnewtonGate>);
    expect(container.innerHTML).toBe('signed out');
  });

  it('never throws to a boundary, even when the host makes queries throw by default', async () => {
    msw.server.use(http.put(accountUrl, () => knewtonErrorResponse('csrf_rejected')));
    const onError = vi.fn<(error: KnewtonAccountError) => void>();
    const children = vi.fn(() => <p>gated</p>);
    renderWithClient(
      <Boundary>
        <KnewtonGate
          fallback={<p>closed</p>}
          error={(error, retry) => (
            <button type="button" onClick={retry}>
              retry after {error.code}
            </button>
          )}
          onError={onError}
        >
          {children}
        </KnewtonGate>
        <Counter />
      </Boundary>,
      {
        provider: { userId: 'u1' },
        clientConfig: { defaultOptions: { queries: { throwOnError: true } } },
        strict: true,
      },
    );
    await screen.findByText('retry after csrf_rejected');
    expect(screen.queryByText('boundary caught')).toBeNull();
    expect(children).not.toHaveBeenCalled();
    // Reported once, although StrictMode runs effects twice.
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0].status).toBe(403);
    // The rest of the page keeps working.
    fireEvent.click(screen.getByText('clicked 0'));
    expect(screen.queryByText('clicked 1')).not.toBeNull();
  });

  it('shows the fallback for an error when no error rendering is given', async () => {
    msw.server.use(http.put(accountUrl, () => knewtonErrorResponse('unauthenticated')));
    renderWithClient(<KnewtonGate fallback="closed">gated</KnewtonGate>, {
      provider: { userId: 'u1' },
    });
    await act(async () => {});
    await screen.findByText('closed');
    expect(screen.queryByText('gated')).toBeNull();
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });
});
