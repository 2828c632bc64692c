import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, screen } from '@testing-library/react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setupMswServer } from '../test/support/mswServer.js';
import { KnewtonGate } from './KnewtonGate.js';
import { KnewtonProvider, type KnewtonProviderProps } from './KnewtonProvider.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';

const msw = setupMswServer();
let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = '';
});

function app(props: Omit<KnewtonProviderProps, 'children'>) {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <KnewtonProvider {...props}>
        <main>
          <KnewtonGate fallback={<p>fallback</p>}>
            {(accountId) => <p>{`features for ${accountId}`}</p>}
          </KnewtonGate>
          <p>lessons</p>
        </main>
      </KnewtonProvider>
    </QueryClientProvider>
  );
}

/** Server-renders `props`, then hydrates the markup in the browser with the same props. */
async function serverThenHydrate(props: Omit<KnewtonProviderProps, 'children'>) {
  const container = document.createElement('div');
  container.innerHTML = renderToString(app(props));
  document.body.append(container);
  const serverHtml = container.innerHTML;
  const consoleError = vi.spyOn(console, 'error');
  const recoverable = vi.fn();
  await act(async () => {
    root = hydrateRoot(container, app(props), { onRecoverableError: recoverable });
  });
  return { serverHtml, container, consoleError, recoverable };
}

describe('hydration', () => {
  it('hydrates a bootstrapped page without a mismatch and with no request', async () => {
    const { serverHtml, container, consoleError, recoverable } = await serverThenHydrate({
      userId: 'u1',
      initialAccountId: 'acc-boot',
    });
    expect(serverHtml).toContain('features for acc-boot');
    expect(container.innerHTML).toBe(serverHtml);
    expect(consoleError).not.toHaveBeenCalled();
    expect(recoverable).not.toHaveBeenCalled();
    expect(msw.sent()).toEqual([]);
    consoleError.mockRestore();
  });

  it('hydrates a page rendered before the id was known, then opens the gate', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-late' }));
    const { serverHtml, consoleError, recoverable } = await serverThenHydrate({ userId: 'u1' });
    expect(serverHtml).toContain('fallback');
    await screen.findByText('features for acc-late');
    expect(consoleError).not.toHaveBeenCalled();
    expect(recoverable).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });
});
