import { KnewtonGate, KnewtonProvider } from '@knewton-kit/react';
import { knewtonErrorResponse } from '@knewton-kit/react/testing';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithClient } from '../testing/renderWithClient.js';
import { stubFetch } from '../testing/stubFetch.js';
import { PersonalisationSetting } from './PersonalisationSetting.js';

const fetchMock = stubFetch();

/** A stand-in BFF: the opt-out setting and the account route that follows it. */
function serve() {
  let optedOut = false;
  const sent: string[] = [];
  fetchMock.mockImplementation(async (input, init) => {
    // The kit (through ky) sends a `Request`; the app's own calls a URL and init.
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request?.url ?? String(input), 'http://localhost');
    const method = request?.method ?? init?.method ?? 'GET';
    sent.push(`${method} ${url.pathname}`);
    if (url.pathname === '/api/knewton-opt-out') {
      if (method === 'PUT') optedOut = true;
      if (method === 'DELETE') optedOut = false;
      return Response.json({ optedOut });
    }
    if (url.pathname === '/api/knewton/account') {
      return optedOut
        ? knewtonErrorResponse('knewton_opted_out')
        : Response.json({ accountId: 'acc-1', createdAt: '2026-01-01T00:00:00.000Z' });
    }
    return new Response(null, { status: 404 });
  });
  return sent;
}

describe('PersonalisationSetting', () => {
  it('turns Knewton off and on, and the gates follow with one account request each time', async () => {
    const sent = serve();
    renderWithClient(
      <KnewtonProvider userId="ada">
        <PersonalisationSetting userId="ada" />
        <KnewtonGate fallback={<p>plain lessons</p>}>
          <p>personalised</p>
        </KnewtonGate>
      </KnewtonProvider>,
    );
    const setting = await screen.findByRole('switch', { name: 'Personalised learning' });
    await screen.findByText('personalised');
    await waitFor(() => expect(setting.getAttribute('aria-checked')).toBe('true'));

    fireEvent.click(setting);
    await screen.findByText('plain lessons');
    await waitFor(() => expect(setting.getAttribute('aria-checked')).toBe('false'));
    expect(screen.getByText(/nothing about you is sent to Knewton/)).toBeDefined();
    expect(screen.queryByRole('alert')).toBeNull();

    fireEvent.click(setting);
    await screen.findByText('personalised');
    expect(sent.filter((line) => line.endsWith('/api/knewton/account'))).toEqual([
      'PUT /api/knewton/account',
      'PUT /api/knewton/account',
      'PUT /api/knewton/account',
    ]);
    expect(sent.filter((line) => !line.endsWith('/account'))).toEqual([
      'GET /api/knewton-opt-out',
      'PUT /api/knewton-opt-out',
      'DELETE /api/knewton-opt-out',
    ]);
  });
});
