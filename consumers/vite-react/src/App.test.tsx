import { KnewtonTestProvider, knewtonHandlers } from '@knewton-kit/react/testing';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { afterEach, expect, it } from 'vitest';
import { App, Recommendations } from './App';

afterEach(cleanup);

it('shows the fallback, not the feature, while Knewton is down', () => {
  render(
    <KnewtonTestProvider state={{ status: 'error', code: 'knewton_unavailable' }}>
      <Recommendations />
    </KnewtonTestProvider>,
  );
  expect(screen.getByText('Lessons only')).toBeTruthy();
  expect(screen.queryByText(/Recommended for/)).toBeNull();
});

it('shows the feature once the account is ready', () => {
  render(
    <KnewtonTestProvider state={{ status: 'ready', accountId: 'acc-ready' }}>
      <Recommendations />
    </KnewtonTestProvider>,
  );
  expect(screen.getByText('Recommended for acc-ready')).toBeTruthy();
});

it('creates the account through the BFF contract and opens the gate', async () => {
  const server = setupServer(...knewtonHandlers({ accountId: 'acc-msw' }));
  server.listen({ onUnhandledRequest: 'error' });
  try {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <App userId="ada" />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('Recommended for acc-msw')).toBeTruthy();
    expect(screen.getByText('Account acc-msw')).toBeTruthy();
  } finally {
    server.close();
  }
});
