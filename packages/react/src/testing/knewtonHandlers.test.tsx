import { screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { setupMswServer } from '../../test/support/mswServer.js';
import { renderWithClient } from '../../test/support/renderWithClient.js';
import { KnewtonGate } from '../KnewtonGate.js';
import { knewtonHandlers, testKnewtonAccountId } from './knewtonHandlers.js';

const msw = setupMswServer();
const url = 'http://localhost:3000/api/knewton/account';

describe('knewtonHandlers', () => {
  it('follow the contract: GET 404 until a PUT creates (201), then 200', async () => {
    msw.server.use(...knewtonHandlers());
    const csrf = { 'X-CSRF': '1' };
    const before = await fetch(url);
    expect(before.status).toBe(404);
    expect((await before.json()).error.code).toBe('account_not_found');
    expect((await fetch(url, { method: 'PUT', headers: csrf })).status).toBe(201);
    const again = await fetch(url, { method: 'PUT', headers: csrf });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ accountId: testKnewtonAccountId });
    expect((await fetch(url)).status).toBe(200);
  });

  it('refuse a PUT without X-CSRF with 403 csrf_rejected', async () => {
    msw.server.use(...knewtonHandlers());
    const response = await fetch(url, { method: 'PUT' });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatchObject({
      code: 'csrf_rejected',
      retryable: false,
    });
  });

  it('answer every request with a chosen error and its Retry-After', async () => {
    msw.server.use(...knewtonHandlers({ error: 'rate_limited', retryAfterSeconds: 5 }));
    const response = await fetch(url, { method: 'PUT', headers: { 'X-CSRF': '1' } });
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('5');
  });

  it('let a host test its gated UI in a few lines', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-host' }));
    renderWithClient(<KnewtonGate>{(id) => <p>hello {id}</p>}</KnewtonGate>, {
      provider: { userId: 'u1' },
    });
    expect((await screen.findByText(/^hello /)).textContent).toBe('hello acc-host');
  });

  it('can be overridden per test with plain MSW handlers', async () => {
    msw.server.use(...knewtonHandlers());
    msw.server.use(http.put('/api/knewton/account', () => HttpResponse.json({}, { status: 200 })));
    const response = await fetch(url, { method: 'PUT', headers: { 'X-CSRF': '1' } });
    expect(await response.json()).toEqual({});
  });
});
