// @vitest-environment node
import { dehydrate, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import ky from 'ky';
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setupMswServer } from '../test/support/mswServer.js';
import { KnewtonGate } from './KnewtonGate.js';
import { KnewtonProvider, type KnewtonProviderProps } from './KnewtonProvider.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';

const msw = setupMswServer();
const fetchSpy = vi.spyOn(globalThis, 'fetch');
afterEach(() => fetchSpy.mockClear());

function renderOnServer(props: Omit<KnewtonProviderProps, 'children'>, client = new QueryClient()) {
  const gate: ReactNode = (
    <KnewtonGate fallback={<p>fallback</p>} pending={<p>pending</p>}>
      {(accountId) => <p>{`features for ${accountId}`}</p>}
    </KnewtonGate>
  );
  return renderToString(
    <QueryClientProvider client={client}>
      <KnewtonProvider {...props}>{gate}</KnewtonProvider>
    </QueryClientProvider>,
  );
}

describe('server rendering (no window)', () => {
  it('runs where window does not exist', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
  });

  it('renders a bootstrapped id with no request', () => {
    expect(renderOnServer({ userId: 'u1', initialAccountId: 'acc-ssr' })).toBe(
      '<p>features for acc-ssr</p>',
    );
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('renders the pending state, and fallback when signed out, without fetching', () => {
    expect(renderOnServer({ userId: 'u1' })).toBe('<p>pending</p>');
    expect(renderOnServer({ userId: undefined })).toBe('<p>fallback</p>');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('renders an id a server loader prefetched with knewtonAccountQueryOptions', async () => {
    const baseUrl = 'http://bff.internal/api/knewton';
    msw.server.use(...knewtonHandlers({ baseUrl, accountId: 'acc-loaded', exists: true }));
    const client = new QueryClient();
    // On a server the host forwards the visitor's session itself.
    await client.prefetchQuery(
      knewtonAccountQueryOptions({
        userId: 'u1',
        baseUrl,
        mode: 'eager',
        ky: ky.create({ headers: { Cookie: 'session=abc' } }),
      }),
    );
    expect(msw.requests[0]?.headers.get('Cookie')).toBe('session=abc');
    expect(renderOnServer({ userId: 'u1', baseUrl, mode: 'eager' }, client)).toBe(
      '<p>features for acc-loaded</p>',
    );
    expect(dehydrate(client).queries.map((query) => query.state.data)).toEqual(['acc-loaded']);
  });
});
