import { act, fireEvent, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { useLayoutEffect, useRef } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { setupMswServer } from '../test/support/mswServer.js';
import { deferred, renderWithClient } from '../test/support/renderWithClient.js';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonErrorResponse } from './testing/knewtonErrorResponse.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';
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
    await screen.findByText('closed: account_not_found');
    expect(msw.sent()).toEqual(['GET /api/knewton/account']);

    fireEvent.click(screen.getByRole('button', { name: 'finish sign-up' }));
    await screen.findByText('open for acc-new');
    expect(screen.queryByText('second gate acc-new')).not.toBeNull();
    expect(screen.queryByRole('button', { name: 'provisioned acc-new' })).not.toBeNull();
    expect(msw.sent()).toEqual(['GET /api/knewton/account', 'PUT /api/knewton/account']);
    expect(msw.requests[1]?.headers.get('X-CSRF')).toBe('1');
  });

  it('fills the cache before any gate mounts, so later gates never ask', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-early' }));
    const view = renderWithClient(<SignUpStep />, { provider: { userId: 'u1', mode: 'eager' } });
    fireEvent.click(screen.getByRole('button'));
    await screen.findByText('provisioned acc-early');
    view.rerender({}, <KnewtonGate>{(accountId) => <p>open for {accountId}</p>}</KnewtonGate>);
    expect(screen.queryByText('open for acc-early')).not.toBeNull();
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
    await screen.findByText('open for acc-u2');
    expect(screen.queryByText('open for acc-u1')).toBeNull();
  });
});

describe('one ensure for sign-up', () => {
  it('lazy: a gate and the sign-up step share one PUT', async () => {
    const answer = deferred();
    msw.server.use(
      http.put('/api/knewton/account', async () => {
        await answer.promise;
        return HttpResponse.json({ accountId: 'acc-1', createdAt: new Date().toISOString() });
      }),
    );
    renderWithClient(
      <>
        <KnewtonGate pending={<p>setting up</p>}>{(id) => <p>open for {id}</p>}</KnewtonGate>
        <SignUpStep />
      </>,
      { provider: { userId: 'u1' } },
    );
    await vi.waitFor(() => expect(msw.sent()).toEqual(['PUT /api/knewton/account']));
    fireEvent.click(screen.getByRole('button', { name: 'finish sign-up' }));
    answer.resolve();
    await screen.findByText('open for acc-1');
    await screen.findByRole('button', { name: 'provisioned acc-1' });
    // Once the id is cached, provisioning again asks nobody.
    fireEvent.click(screen.getByRole('button'));
    await act(async () => {});
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });

  it('eager: a gate that mounts while the sign-up PUT is on its way waits for it, with no GET', async () => {
    const answer = deferred();
    msw.server.use(
      http.put('/api/knewton/account', async () => {
        await answer.promise;
        return HttpResponse.json({ accountId: 'acc-2', createdAt: new Date().toISOString() });
      }),
      http.get('/api/knewton/account', () => knewtonErrorResponse('account_not_found')),
    );
    const view = renderWithClient(<SignUpStep />, { provider: { userId: 'u1', mode: 'eager' } });
    fireEvent.click(screen.getByRole('button'));
    await vi.waitFor(() => expect(msw.sent()).toEqual(['PUT /api/knewton/account']));
    view.rerender(
      {},
      <KnewtonGate pending={<p>setting up</p>} error={(error) => <p>closed: {error.code}</p>}>
        {(id) => <p>open for {id}</p>}
      </KnewtonGate>,
    );
    expect(screen.queryByText('setting up')).not.toBeNull();
    answer.resolve();
    await screen.findByText('open for acc-2');
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });

  it('eager: a gate mounting in the same commit as the sign-up step sends no GET', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-same' }));
    renderWithClient(
      <>
        <KnewtonGate pending={<p>setting up</p>}>{(id) => <p>open for {id}</p>}</KnewtonGate>
        <ProvisionOnMount />
      </>,
      { provider: { userId: 'u1', mode: 'eager' }, strict: true },
    );
    await screen.findByText('open for acc-same');
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });

  it('eager: a read that crosses the sign-up PUT does not report its 404', async () => {
    const read = deferred();
    const ensure = deferred();
    msw.server.use(
      http.get('/api/knewton/account', async () => {
        await read.promise;
        return knewtonErrorResponse('account_not_found');
      }),
      http.put('/api/knewton/account', async () => {
        await ensure.promise;
        return HttpResponse.json({ accountId: 'acc-3', createdAt: new Date().toISOString() });
      }),
    );
    const seen: string[] = [];
    renderWithClient(
      <>
        <KnewtonGate
          pending={<Seen text="setting up" seen={seen} />}
          error={(error) => <Seen text={`closed: ${error.code}`} seen={seen} />}
        >
          {(id) => <Seen text={`open for ${id}`} seen={seen} />}
        </KnewtonGate>
        <SignUpStep />
      </>,
      { provider: { userId: 'u1', mode: 'eager' } },
    );
    await vi.waitFor(() => expect(msw.sent()).toEqual(['GET /api/knewton/account']));
    fireEvent.click(screen.getByRole('button'));
    await vi.waitFor(() => expect(msw.sent()).toHaveLength(2));
    read.resolve();
    await act(async () => {});
    ensure.resolve();
    await screen.findByText('open for acc-3');
    expect(seen).toEqual(['setting up', 'open for acc-3']);
  });
});

function Seen({ text, seen }: { text: string; seen: string[] }) {
  if (seen.at(-1) !== text) seen.push(text);
  return <p>{text}</p>;
}

/** A sign-up step that provisions as soon as it appears, before the gates' effects run. */
function ProvisionOnMount() {
  const provision = useProvisionKnewtonAccount();
  const started = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: provision once, when this step appears
  useLayoutEffect(() => {
    if (started.current) return;
    started.current = true;
    provision.mutate();
  }, []);
  return null;
}
