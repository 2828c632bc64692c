import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.js';

/** A BFF whose own routes work while every Knewton route answers 503, as during a platform outage. */
function bffDuringOutage() {
  let userId: string | undefined;
  const knewtonCalls: string[] = [];
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const request =
      input instanceof Request
        ? input
        : new Request(new URL(String(input), 'http://app.test'), init);
    const { pathname } = new URL(request.url);
    if (pathname === '/api/session' && request.method === 'GET') {
      // Signed out is 200 {"userId": null}, as the example BFF answers.
      return Response.json({ userId: userId ?? null });
    }
    if (pathname === '/api/session' && request.method === 'POST') {
      userId = ((await request.json()) as { userId: string }).userId;
      return Response.json({ userId });
    }
    if (pathname.startsWith('/api/knewton/')) {
      knewtonCalls.push(`${request.method} ${pathname}`);
      return Response.json(
        {
          error: { code: 'knewton_unavailable', message: 'down', retryable: true, requestId: 'r' },
        },
        { status: 503, headers: { 'Retry-After': '30' } },
      );
    }
    return new Response(null, { status: 404 });
  });
  return { fetchMock, knewtonCalls };
}

beforeEach(() => {
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('App without Knewton', () => {
  it('signs in, lists the courses and runs a lesson to its score while every Knewton call fails', async () => {
    const { fetchMock, knewtonCalls } = bffDuringOutage();
    vi.stubGlobal('fetch', fetchMock);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <App />
      </QueryClientProvider>,
    );

    fireEvent.change(await screen.findByLabelText('User id'), { target: { value: 'ada' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Your courses' })).toBeTruthy();
    expect(screen.getByTestId('user-id').textContent).toBe('ada');

    fireEvent.click(screen.getByRole('link', { name: 'Solving linear equations' }));
    const heading = await screen.findByRole('heading', {
      level: 1,
      name: 'Solving linear equations',
    });
    expect(document.activeElement).toBe(heading);
    for (const group of screen.getAllByRole('group')) {
      fireEvent.click(within(group).getAllByRole('radio')[0] as HTMLElement);
    }
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));
    expect(screen.getByRole('status').textContent).toContain('You scored 1 of 3.');

    // Skipping to the content must not navigate: the route lives in the hash.
    fireEvent.click(screen.getByRole('button', { name: 'Skip to content' }));
    expect(document.activeElement?.id).toBe('main');
    expect(
      screen.getByRole('heading', { level: 1, name: 'Solving linear equations' }),
    ).toBeTruthy();

    // Knewton was asked (lazy mode ensures with PUT) but nothing Knewton-powered is on screen.
    expect(knewtonCalls[0]).toBe('PUT /api/knewton/account');
    expect(screen.queryByTestId('knewton-badge')).toBeNull();
    expect(screen.queryByRole('region', { name: /Recommended next/ })).toBeNull();
  });
});
