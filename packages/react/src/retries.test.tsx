import type { ErrorCode } from '@knewton-kit/contract';
import type { QueryClient } from '@tanstack/react-query';
import { fireEvent, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { advance, installFakeClock, settle, until } from '../test/support/fakeClock.js';
import { accountUrl, setupMswServer } from '../test/support/mswServer.js';
import { renderWithClient } from '../test/support/renderWithClient.js';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonErrorResponse } from './testing/knewtonErrorResponse.js';

const msw = setupMswServer();
const account = (accountId: string) => ({ accountId, createdAt: '2026-01-01T00:00:00.000Z' });

installFakeClock();

/** How many attempts of the current fetch have failed. */
const failures = (client: QueryClient) =>
  client.getQueryCache().getAll()[0]?.state.fetchFailureCount ?? 0;

function page() {
  return (
    <>
      <KnewtonGate
        pending={<p>pending</p>}
        error={(error, retry) => (
          <button type="button" onClick={retry}>
            retry ({error.code})
          </button>
        )}
      >
        {(accountId) => <p>ready {accountId}</p>}
      </KnewtonGate>
      <p>lessons</p>
    </>
  );
}

describe('retries', () => {
  it.each<[string, () => Response]>([
    ['503 knewton_unavailable', () => knewtonErrorResponse('knewton_unavailable', 120)],
    [
      '500 from a proxy (not the contract shape)',
      () => new Response('Bad gateway', { status: 502 }),
    ],
    ['a network failure', () => HttpResponse.error()],
  ])(
    'retries %s 3 times with backoff before the error rendering; retry() asks at once',
    async (_, fail) => {
      let healthy = false;
      msw.server.use(
        http.put(accountUrl, () => (healthy ? HttpResponse.json(account('acc-r')) : fail())),
      );
      const { client } = renderWithClient(page(), { provider: { userId: 'u1' } });
      expect(await until(() => failures(client) === 1)).toBe(true);
      expect(msw.requests).toHaveLength(1);
      // Retry-After above the 10 s cap waits 10 s; otherwise 1 s, 2 s, 4 s.
      const delays = fail().headers.get('Retry-After')
        ? [10_000, 10_000, 10_000]
        : [1000, 2000, 4000];
      for (const [index, delay] of delays.entries()) {
        await advance(delay - 1);
        await settle();
        expect(msw.requests).toHaveLength(index + 1);
        expect(screen.queryByText('pending')).not.toBeNull();
        await advance(1);
        expect(await until(() => failures(client) === index + 2)).toBe(true);
        expect(msw.requests).toHaveLength(index + 2);
      }
      expect(await until(() => screen.queryByRole('button') !== null)).toBe(true);
      expect(msw.requests).toHaveLength(4);
      const retry = screen.getByRole('button', { name: /^retry/ });
      expect(screen.queryByText(/^ready/)).toBeNull();
      expect(screen.queryByText('lessons')).not.toBeNull();
      healthy = true;
      fireEvent.click(retry);
      expect(await until(() => screen.queryByText('ready acc-r') !== null)).toBe(true);
      expect(msw.requests).toHaveLength(5);
    },
  );

  it('waits for Retry-After on 429 before trying again', async () => {
    let calls = 0;
    msw.server.use(
      http.put(accountUrl, () =>
        ++calls === 1
          ? knewtonErrorResponse('rate_limited', 3)
          : HttpResponse.json(account('acc-429')),
      ),
    );
    const { client } = renderWithClient(page(), { provider: { userId: 'u1' } });
    expect(await until(() => failures(client) === 1)).toBe(true);
    await advance(2999);
    await settle();
    expect(msw.requests).toHaveLength(1);
    await advance(1);
    expect(await until(() => screen.queryByText('ready acc-429') !== null)).toBe(true);
    expect(msw.requests).toHaveLength(2);
  });

  it.each<ErrorCode>([
    'unauthenticated',
    'csrf_rejected',
    'not_found',
    'bad_request',
    'payload_too_large',
  ])('does not retry %s', async (code) => {
    msw.server.use(http.put(accountUrl, () => knewtonErrorResponse(code)));
    renderWithClient(page(), { provider: { userId: 'u1' } });
    expect(await until(() => screen.queryByText(`retry (${code})`) !== null)).toBe(true);
    await advance(120_000);
    await settle();
    expect(msw.requests).toHaveLength(1);
  });

  it('shows the error rendering after as many retries as the `retry` option says', async () => {
    msw.server.use(http.put(accountUrl, () => knewtonErrorResponse('store_unavailable')));
    const { client } = renderWithClient(page(), { provider: { userId: 'u1', retry: 1 } });
    expect(await until(() => failures(client) === 1)).toBe(true);
    expect(screen.queryByText('pending')).not.toBeNull();
    await advance(1000);
    expect(await until(() => screen.queryByText('retry (store_unavailable)') !== null)).toBe(true);
    expect(msw.requests).toHaveLength(2);
  });

  it.each<[string, false | number, number]>([
    ['retry: false', false, 1],
    ['retry: 2', 2, 3],
  ])(
    'follows the host QueryClient default (%s) when the provider sets none',
    async (_, retry, attempts) => {
      msw.server.use(http.put(accountUrl, () => knewtonErrorResponse('knewton_unavailable')));
      renderWithClient(page(), {
        provider: { userId: 'u1' },
        clientConfig: { defaultOptions: { queries: { retry } } },
      });
      await advance((attempts - 1) * 1000);
      expect(await until(() => screen.queryByRole('button') !== null)).toBe(true);
      expect(msw.requests).toHaveLength(attempts);
    },
  );
});
