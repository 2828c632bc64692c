import type { ErrorCode } from '@knewton-kit/contract';
import { notifyManager, type QueryClient } from '@tanstack/react-query';
import { act, fireEvent, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonErrorResponse } from './testing/knewtonErrorResponse.js';
import { accountUrl, setupMswServer } from './testSupport/mswServer.js';
import { renderWithClient } from './testSupport/renderWithClient.js';

const msw = setupMswServer();
const account = (accountId: string) => ({ accountId, createdAt: '2026-01-01T00:00:00.000Z' });

// Fake timers drive the backoff: no real waiting, and exact delays can be asserted. TanStack Query
// hands results to React on a zero-delay timeout, which a fake clock would hold back (a timer set
// while the clock ticks is due 1 ms later), so here it hands them over on a microtask instead.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  notifyManager.setScheduler(queueMicrotask);
});
afterEach(() => {
  vi.useRealTimers();
  notifyManager.setScheduler((callback) => setTimeout(callback, 0));
});

/** Moves the fake clock, running the timers due by then. */
const advance = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

/**
 * Lets the work due now happen (an answer being delivered, a render) without moving the clock:
 * timers due at the current fake time, then one real turn of the event loop, until `condition`.
 */
async function until(condition: () => boolean, hops = 200) {
  for (let hop = 0; hop < hops && !condition(); hop++) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
  }
  return condition();
}

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
  ])('retries %s 3 times with backoff, then stays closed until retry()', async (_, fail) => {
    let healthy = false;
    msw.server.use(
      http.put(accountUrl, () => (healthy ? HttpResponse.json(account('acc-r')) : fail())),
    );
    const { client } = renderWithClient(page(), { provider: { userId: 'u1' } });
    expect(await until(() => failures(client) === 1)).toBe(true);
    expect(msw.requests).toHaveLength(1);
    // Retry-After above the cap waits 30 s; otherwise 1 s, 2 s, 4 s.
    const delays = fail().headers.get('Retry-After')
      ? [30_000, 30_000, 30_000]
      : [1000, 2000, 4000];
    for (const [index, delay] of delays.entries()) {
      await advance(delay - 1);
      await until(() => false, 5);
      expect(msw.requests).toHaveLength(index + 1);
      expect(screen.getByText('pending')).toBeDefined();
      await advance(1);
      expect(await until(() => failures(client) === index + 2)).toBe(true);
      expect(msw.requests).toHaveLength(index + 2);
    }
    await advance(60_000);
    await until(() => screen.queryByRole('button') !== null);
    expect(msw.requests).toHaveLength(4);
    const retry = screen.getByRole('button', { name: /^retry/ });
    expect(screen.queryByText(/^ready/)).toBeNull();
    expect(screen.getByText('lessons')).toBeDefined();
    healthy = true;
    fireEvent.click(retry);
    expect(await until(() => screen.queryByText('ready acc-r') !== null)).toBe(true);
    expect(msw.requests).toHaveLength(5);
  });

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
    await until(() => false, 5);
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
    await until(() => false, 5);
    expect(msw.requests).toHaveLength(1);
  });

  it('retries only as often as the `retry` option says', async () => {
    msw.server.use(http.put(accountUrl, () => knewtonErrorResponse('store_unavailable')));
    const { client } = renderWithClient(page(), { provider: { userId: 'u1', retry: 1 } });
    expect(await until(() => failures(client) === 1)).toBe(true);
    await advance(1000);
    expect(await until(() => screen.queryByText('retry (store_unavailable)') !== null)).toBe(true);
    await advance(120_000);
    await until(() => false, 5);
    expect(msw.requests).toHaveLength(2);
  });
});
