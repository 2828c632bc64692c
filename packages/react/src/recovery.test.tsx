import { onlineManager } from '@tanstack/react-query';
import { act, fireEvent, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, installFakeClock, settle, until } from '../test/support/fakeClock.js';
import { accountUrl, setupMswServer } from '../test/support/mswServer.js';
import { renderWithClient } from '../test/support/renderWithClient.js';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonErrorResponse } from './testing/knewtonErrorResponse.js';

const msw = setupMswServer();
const account = (accountId: string) => ({ accountId, createdAt: '2026-01-01T00:00:00.000Z' });
installFakeClock();

let visibility: DocumentVisibilityState = 'visible';
Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
const setVisibility = (state: DocumentVisibilityState) =>
  act(() => {
    visibility = state;
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
const setOnline = (online: boolean) =>
  act(() => {
    window.dispatchEvent(new Event(online ? 'online' : 'offline'));
  });
afterEach(() => {
  visibility = 'visible';
  onlineManager.setOnline(true);
});

/**
 * The gate's renderings as a person would see them change, each recorded once when it appears
 * (the unit-test analogue of the demo's MutationObserver).
 */
function recorder() {
  const seen: string[] = [];
  const page = (
    <KnewtonGate
      pending={<Shown text="pending" seen={seen} />}
      error={(error, retry) => (
        <button type="button" onClick={retry}>
          <Shown text={`paused (${error.code})`} seen={seen} />
        </button>
      )}
    >
      {(accountId) => <Shown text={`ready ${accountId}`} seen={seen} />}
    </KnewtonGate>
  );
  return { seen, page };
}

function Shown({ text, seen }: { text: string; seen: string[] }) {
  if (seen.at(-1) !== text) seen.push(text);
  return <p>{text}</p>;
}

/** A BFF whose platform is down until `healthy` is set. */
function outage(fail = () => knewtonErrorResponse('knewton_unavailable', 2)) {
  const platform = { healthy: false };
  msw.server.use(
    http.put(accountUrl, () => (platform.healthy ? HttpResponse.json(account('acc-1')) : fail())),
  );
  return platform;
}

describe('recovery after the last failed attempt', () => {
  it('keeps the error rendering through background retries, then opens by itself', async () => {
    const platform = outage();
    const { seen, page } = recorder();
    renderWithClient(page, { provider: { userId: 'u1' } });
    // 4 attempts, 2 s apart (Retry-After: 2), then the error rendering.
    await advance(6000);
    expect(await until(() => seen.includes('paused (knewton_unavailable)'))).toBe(true);
    expect(msw.requests).toHaveLength(4);
    // The outage goes on: the kit keeps asking, every Retry-After, with the error on screen.
    await advance(30_000);
    await settle();
    expect(msw.requests).toHaveLength(4 + 15);
    platform.healthy = true;
    await advance(2000);
    expect(await until(() => seen.includes('ready acc-1'))).toBe(true);
    expect(seen).toEqual(['pending', 'paused (knewton_unavailable)', 'ready acc-1']);
    // Nothing more once ready.
    const sent = msw.requests.length;
    await advance(60_000);
    await settle();
    expect(msw.requests).toHaveLength(sent);
  });

  it('backs off to at most 10 s between attempts without Retry-After', async () => {
    outage(() => new Response('Bad gateway', { status: 502 }));
    const { seen, page } = recorder();
    renderWithClient(page, { provider: { userId: 'u1' } });
    await advance(1000 + 2000 + 4000);
    expect(await until(() => seen.includes('paused (invalid_response)'))).toBe(true);
    expect(msw.requests).toHaveLength(4);
    for (let attempt = 5; attempt <= 8; attempt++) {
      await advance(9999);
      await settle();
      expect(msw.requests).toHaveLength(attempt - 1);
      await advance(1);
      expect(await until(() => msw.requests.length === attempt)).toBe(true);
    }
    expect(seen).toEqual(['pending', 'paused (invalid_response)']);
  });

  it('retry() asks at once instead of waiting for the next background attempt', async () => {
    const platform = outage(() => knewtonErrorResponse('knewton_unavailable', 10));
    const { seen, page } = recorder();
    renderWithClient(page, { provider: { userId: 'u1', retry: 0 } });
    expect(await until(() => seen.includes('paused (knewton_unavailable)'))).toBe(true);
    platform.healthy = true;
    fireEvent.click(screen.getByRole('button'));
    expect(await until(() => seen.includes('ready acc-1'))).toBe(true);
    expect(msw.requests).toHaveLength(2);
    expect(seen).toEqual(['pending', 'paused (knewton_unavailable)', 'ready acc-1']);
  });

  it('does not ask while the page is hidden, and asks at once when it is visible again', async () => {
    const platform = outage();
    const { seen, page } = recorder();
    renderWithClient(page, { provider: { userId: 'u1', retry: 0 } });
    expect(await until(() => seen.includes('paused (knewton_unavailable)'))).toBe(true);
    await setVisibility('hidden');
    await advance(120_000);
    await settle();
    expect(msw.requests).toHaveLength(1);
    platform.healthy = true;
    await setVisibility('visible');
    expect(await until(() => seen.includes('ready acc-1'))).toBe(true);
    expect(msw.requests).toHaveLength(2);
  });

  it('does not ask while offline, and asks at once when the browser is back online', async () => {
    const platform = outage(() => HttpResponse.error());
    const { seen, page } = recorder();
    renderWithClient(page, { provider: { userId: 'u1', retry: 0 } });
    expect(await until(() => seen.includes('paused (network_error)'))).toBe(true);
    await setOnline(false);
    await advance(120_000);
    await settle();
    expect(msw.requests).toHaveLength(1);
    platform.healthy = true;
    await setOnline(true);
    expect(await until(() => seen.includes('ready acc-1'))).toBe(true);
    expect(msw.requests).toHaveLength(2);
  });

  it('does not try again by itself after a failure that will not pass (403)', async () => {
    msw.server.use(http.put(accountUrl, () => knewtonErrorResponse('csrf_rejected')));
    const { seen, page } = recorder();
    renderWithClient(page, { provider: { userId: 'u1' } });
    expect(await until(() => seen.includes('paused (csrf_rejected)'))).toBe(true);
    await setVisibility('hidden');
    await setVisibility('visible');
    await advance(120_000);
    await settle();
    expect(msw.requests).toHaveLength(1);
  });

  it('keeps the error rendering when the host refetches every query', async () => {
    const platform = outage();
    const { seen, page } = recorder();
    const { client } = renderWithClient(
      <>
        {page}
        {page}
      </>,
      { provider: { userId: 'u1', retry: 0 } },
    );
    expect(await until(() => seen.includes('paused (knewton_unavailable)'))).toBe(true);
    // A host's blanket refetch (after a sign-in, say) puts TanStack Query's status back to pending.
    act(() => {
      client.refetchQueries();
    });
    await settle();
    expect(seen).toEqual(['pending', 'paused (knewton_unavailable)']);
    platform.healthy = true;
    await advance(2000);
    expect(await until(() => seen.includes('ready acc-1'))).toBe(true);
    expect(seen).toEqual(['pending', 'paused (knewton_unavailable)', 'ready acc-1']);
  });

  it('stops asking once no gate is on the page, and starts again when one mounts', async () => {
    outage();
    const { seen, page } = recorder();
    const view = renderWithClient(page, { provider: { userId: 'u1', retry: 0 } });
    expect(await until(() => seen.includes('paused (knewton_unavailable)'))).toBe(true);
    view.rerender({}, <p>no gate</p>);
    await advance(60_000);
    await settle();
    expect(msw.requests).toHaveLength(1);
    view.rerender({}, page);
    // Straight back to the error rendering (no pending), and asking again.
    expect(screen.getByRole('button').textContent).toBe('paused (knewton_unavailable)');
    await advance(2000);
    expect(await until(() => msw.requests.length === 2)).toBe(true);
  });
});

describe('202 queued', () => {
  it('stays pending and asks again after Retry-After, never showing an error', async () => {
    let calls = 0;
    msw.server.use(
      http.put(accountUrl, () =>
        ++calls <= 2
          ? HttpResponse.json(
              { status: 'queued' },
              { status: 202, headers: { 'Retry-After': '3' } },
            )
          : HttpResponse.json(account('acc-q'), { status: 201 }),
      ),
    );
    const { seen, page } = recorder();
    renderWithClient(page, { provider: { userId: 'u1' } });
    expect(await until(() => msw.requests.length === 1)).toBe(true);
    await settle(); // the 202 is read, and the wait starts, at the clock's time 0
    await advance(2999);
    await settle();
    expect(msw.requests).toHaveLength(1);
    await advance(1);
    expect(await until(() => msw.requests.length === 2)).toBe(true);
    await settle();
    expect(seen).toEqual(['pending']);
    await advance(3000);
    expect(await until(() => seen.includes('ready acc-q'))).toBe(true);
    expect(msw.requests).toHaveLength(3);
    expect(seen).toEqual(['pending', 'ready acc-q']);
  });
});
