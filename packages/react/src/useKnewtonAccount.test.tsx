import { keepPreviousData, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import ky from 'ky';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { accountUrl, setupMswServer } from '../test/support/mswServer.js';
import { deferred, renderWithClient } from '../test/support/renderWithClient.js';
import { KnewtonGate } from './KnewtonGate.js';
import { KnewtonProvider } from './KnewtonProvider.js';
import { knewtonQueryKeyPrefix } from './knewtonAccountQueryKey.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';
import { useKnewtonAccount } from './useKnewtonAccount.js';

const msw = setupMswServer();
const account = (accountId: string) => ({ accountId, createdAt: '2026-01-01T00:00:00.000Z' });

/** Shows the hook's state as text and records every state it rendered. */
function AccountStatus({ log }: { log?: string[] }) {
  const result = useKnewtonAccount();
  const text =
    result.status === 'ready'
      ? `ready ${result.accountId}`
      : result.status === 'error'
        ? `error ${result.error.code}`
        : result.status;
  log?.push(text);
  return <p>{text}</p>;
}

/** Records which user saw which account id, on every render. */
function Probe({ user, accountId, shown }: { user: string; accountId: string; shown: string[] }) {
  shown.push(`${user}:${accountId}`);
  return <p>{accountId}</p>;
}

describe('useKnewtonAccount', () => {
  it('goes from pending to ready with one lazy PUT that carries X-CSRF', async () => {
    const answer = deferred();
    msw.server.use(
      http.put(accountUrl, async () => {
        await answer.promise;
        return HttpResponse.json(account('acc-1'), { status: 201 });
      }),
    );
    renderWithClient(<AccountStatus />, { provider: { userId: 'u1' } });
    expect(screen.queryByText('pending')).not.toBeNull();
    answer.resolve();
    await screen.findByText('ready acc-1');
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
    const [request] = msw.requests;
    expect(request?.headers.get('X-CSRF')).toBe('1');
    expect(request?.credentials).toBe('same-origin');
  });

  it('reads with GET and no CSRF header in eager mode', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-eager', exists: true }));
    renderWithClient(<AccountStatus />, { provider: { userId: 'u1', mode: 'eager' } });
    await screen.findByText('ready acc-eager');
    expect(msw.sent()).toEqual(['GET /api/knewton/account']);
    expect(msw.requests[0]?.headers.has('X-CSRF')).toBe(false);
  });

  it('reports signed-out and sends nothing without a user', async () => {
    renderWithClient(<AccountStatus />, {
      provider: { userId: undefined, initialAccountId: 'acc-stray' },
    });
    expect(screen.queryByText('signed-out')).not.toBeNull();
    await act(async () => {});
    expect(msw.sent()).toEqual([]);
  });

  it('uses the host ky instance (its headers and auth hook) and baseUrl', async () => {
    msw.server.use(
      http.put('http://bff.test/knewton/account', ({ request }) =>
        HttpResponse.json(
          account(`${request.headers.get('Authorization')} ${request.headers.get('X-From-Ky')}`),
        ),
      ),
    );
    const hostKy = ky.create({
      headers: { 'X-From-Ky': 'host-ky' },
      hooks: {
        beforeRequest: [(request) => request.headers.set('Authorization', 'Bearer t')],
      },
    });
    renderWithClient(<AccountStatus />, {
      provider: {
        userId: 'u1',
        baseUrl: 'http://bff.test/knewton',
        ky: hostKy,
      },
    });
    // The id the handler echoes is the host's Authorization and X-From-Ky headers.
    expect((await screen.findByText(/^ready /)).textContent).toBe('ready Bearer t host-ky');
  });

  it('makes exactly one request for 20 components, also under StrictMode', async () => {
    for (const strict of [false, true]) {
      msw.requests.length = 0;
      msw.server.use(http.put(accountUrl, () => HttpResponse.json(account('acc-20'))));
      const { unmount } = renderWithClient(
        Array.from({ length: 20 }, (_, index) => <AccountStatus key={String(index)} />),
        { provider: { userId: 'u1' }, strict },
      );
      expect(await screen.findAllByText('ready acc-20')).toHaveLength(20);
      expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
      unmount();
    }
  });

  it('with a bootstrapped id, sends nothing and never renders pending', async () => {
    const log: string[] = [];
    renderWithClient(<AccountStatus log={log} />, {
      provider: { userId: 'u1', initialAccountId: 'acc-boot' },
      strict: true,
    });
    await act(async () => {});
    expect(new Set(log)).toEqual(new Set(['ready acc-boot']));
    expect(msw.sent()).toEqual([]);
  });

  it('does not give the bootstrapped id to a user who signs in later', async () => {
    msw.server.use(http.put(accountUrl, () => HttpResponse.json(account('acc-u2'))));
    const log: string[] = [];
    const view = renderWithClient(<AccountStatus log={log} />, {
      provider: { userId: 'u1', initialAccountId: 'acc-u1' },
    });
    view.rerender({ userId: 'u2' });
    await screen.findByText('ready acc-u2');
    expect(log.slice(log.indexOf('pending'))).not.toContain('ready acc-u1');
    expect(log).toContain('pending');
  });

  it('serves a cached id to a remounted component with no request', async () => {
    msw.server.use(http.put(accountUrl, () => HttpResponse.json(account('acc-c'))));
    const view = renderWithClient(<AccountStatus />, { provider: { userId: 'u1' } });
    await screen.findByText('ready acc-c');
    view.rerender({}, <p>elsewhere</p>);
    const log: string[] = [];
    view.rerender({}, <AccountStatus log={log} />);
    expect(log).toEqual(['ready acc-c']);
    await act(async () => {});
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });

  it('clears the cached id on sign-out and asks again on the next sign-in', async () => {
    msw.server.use(http.put(accountUrl, () => HttpResponse.json(account('acc-s'))));
    const view = renderWithClient(<AccountStatus />, { provider: { userId: 'u1' } });
    await screen.findByText('ready acc-s');
    view.rerender({ userId: undefined });
    expect(screen.queryByText('signed-out')).not.toBeNull();
    await act(async () => {});
    const cached = view.client.getQueryCache().findAll({ queryKey: knewtonQueryKeyPrefix });
    expect(cached.map((query) => query.state.data).filter(Boolean)).toEqual([]);
    view.rerender({ userId: 'u1' });
    expect(screen.queryByText('pending')).not.toBeNull();
    await screen.findByText('ready acc-s');
    expect(msw.sent()).toHaveLength(2);
  });

  // A host default of keepPreviousData must not leak the previous user's id either.
  it.each([
    ['default', {}],
    ['keepPreviousData', { defaultOptions: { queries: { placeholderData: keepPreviousData } } }],
  ])(
    'never shows the previous user id after a switch (host defaults: %s)',
    async (_, clientConfig) => {
      const answers = ['acc-first', 'acc-second'];
      const second = deferred();
      msw.server.use(
        http.put(accountUrl, async () => {
          const accountId = answers.shift() ?? 'unexpected';
          if (accountId === 'acc-second') await second.promise;
          return HttpResponse.json(account(accountId));
        }),
      );
      const shown: string[] = [];
      const page = (user: string) => (
        <KnewtonGate fallback={<p>closed</p>}>
          {(accountId) => <Probe user={user} accountId={accountId} shown={shown} />}
        </KnewtonGate>
      );
      const view = renderWithClient(page('u1'), { provider: { userId: 'u1' }, clientConfig });
      await screen.findByText('acc-first');
      view.rerender({ userId: 'u2' }, page('u2'));
      expect(screen.queryByText('closed')).not.toBeNull();
      second.resolve();
      await screen.findByText('acc-second');
      expect(shown.filter((entry) => entry.startsWith('u2:'))).not.toContain('u2:acc-first');
      expect(shown).toContain('u2:acc-second');
      // Both stay cached, each under its own user, until sign-out.
      view.rerender({ userId: undefined }, page('nobody'));
      await act(async () => {});
      expect(view.client.getQueryCache().findAll({ queryKey: knewtonQueryKeyPrefix })).toEqual([]);
    },
  );

  it('names the fix when used outside KnewtonProvider or without a QueryClient', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = new QueryClient();
    expect(() =>
      render(
        <QueryClientProvider client={client}>
          <AccountStatus />
        </QueryClientProvider>,
      ),
    ).toThrow('Wrap this part of the app in <KnewtonProvider>');
    expect(() =>
      render(
        <KnewtonProvider userId="u1">
          <AccountStatus />
        </KnewtonProvider>,
      ),
    ).toThrow('use QueryClientProvider');
    quiet.mockRestore();
  });
});
