// What a host's own error-state test looks like, through the network layer: the kit's real provider,
// MSW answering as the BFF does during an outage, Testing Library's default `findBy` timeout (1 s)
// and real timers. With the kit's own three retries (Retry-After: 1) it took 3 s and failed.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setupMswServer } from '../../test/support/mswServer.js';
import { KnewtonGate } from '../KnewtonGate.js';
import { KnewtonProvider } from '../KnewtonProvider.js';
import { knewtonHandlers } from './knewtonHandlers.js';
import { knewtonTestQueryClient } from './knewtonTestQueryClient.js';

const msw = setupMswServer();

function Page() {
  return (
    <KnewtonGate pending={<p>Loading recommendations</p>} error={<p>Recommendations are paused</p>}>
      {(accountId) => <p>Recommendations for {accountId}</p>}
    </KnewtonGate>
  );
}

describe('a host error-state test', () => {
  it.each<[string, () => QueryClient]>([
    ['knewtonTestQueryClient()', () => knewtonTestQueryClient()],
    [
      "the host's own client with retry: false",
      () => new QueryClient({ defaultOptions: { queries: { retry: false } } }),
    ],
  ])('shows the error rendering within the default findBy timeout (%s)', async (_, client) => {
    msw.server.use(...knewtonHandlers({ error: 'knewton_unavailable' }));
    render(
      <QueryClientProvider client={client()}>
        <KnewtonProvider userId="user-1">
          <Page />
        </KnewtonProvider>
      </QueryClientProvider>,
    );
    await screen.findByText('Recommendations are paused');
    expect(msw.sent()).toEqual(['PUT /api/knewton/account']);
  });
});
