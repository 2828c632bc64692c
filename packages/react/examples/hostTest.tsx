// How a host app tests its own gated UI (type-checked here; the same code runs in
// src/testing/*.test.tsx).
import { KnewtonGate, KnewtonProvider } from '@knewton-kit/react';
import {
  KnewtonTestProvider,
  knewtonHandlers,
  knewtonTestQueryClient,
} from '@knewton-kit/react/testing';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { expect, it } from 'vitest';

function Page() {
  return (
    <KnewtonGate fallback={<p>No recommendations</p>}>
      {(accountId) => <p>Recommendations for {accountId}</p>}
    </KnewtonGate>
  );
}

it('shows the fallback when Knewton is down', () => {
  render(
    <KnewtonTestProvider state={{ status: 'error', code: 'knewton_unavailable' }}>
      <Page />
    </KnewtonTestProvider>,
  );
  expect(screen.queryByText('No recommendations')).not.toBeNull();
});

const server = setupServer(...knewtonHandlers({ accountId: 'acc-1' }));

it('opens the gate once the BFF answers', async () => {
  server.listen({ onUnhandledRequest: 'error' });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <KnewtonProvider userId="user-1">
        <Page />
      </KnewtonProvider>
    </QueryClientProvider>,
  );
  expect((await screen.findByText(/^Recommendations for /)).textContent).toBe(
    'Recommendations for acc-1',
  );
  server.close();
});

it('shows the fallback at once when the BFF answers 503 (no retries in tests)', async () => {
  const down = setupServer(...knewtonHandlers({ error: 'knewton_unavailable' }));
  down.listen({ onUnhandledRequest: 'error' });
  render(
    <QueryClientProvider client={knewtonTestQueryClient()}>
      <KnewtonProvider userId="user-1">
        <Page />
      </KnewtonProvider>
    </QueryClientProvider>,
  );
  // Within findBy's default 1 s: the kit follows the client's `retry: false`.
  expect((await screen.findByText(/recommendations/i)).textContent).toBe('No recommendations');
  down.close();
});
