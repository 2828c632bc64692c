import { KnewtonProvider } from '@knewton-kit/react';
import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithClient } from '../testing/renderWithClient.js';
import { stubFetch } from '../testing/stubFetch.js';
import { SignUpPage } from './SignUpPage.js';

const fetchMock = stubFetch();

function renderSignedOut() {
  // GET /api/session: nobody signed in; any other request is a test failure below.
  fetchMock.mockImplementation(async (_url, init) =>
    init?.method === undefined || init.method === 'GET'
      ? new Response('{}', { status: 401 })
      : new Response('{}', { status: 500 }),
  );
  return renderWithClient(
    <KnewtonProvider userId={undefined} mode="eager">
      <SignUpPage />
    </KnewtonProvider>,
  );
}

const sentMethods = () => fetchMock.mock.calls.map(([, init]) => init?.method ?? 'GET');

describe('SignUpPage', () => {
  it('refuses a malformed user id with an alert the field is described by, without calling the server', async () => {
    renderSignedOut();
    const input = await screen.findByLabelText('Choose a user id');
    fireEvent.change(input, { target: { value: 'ada@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toMatch(/letters, digits/);
    expect(input.getAttribute('aria-describedby')?.split(' ')).toContain(alert.id);
    expect(document.activeElement).toBe(input);
    expect(sentMethods()).not.toContain('POST');
  });

  it('tells the user when the server refuses the sign-up, and keeps the form usable', async () => {
    renderSignedOut();
    fireEvent.change(await screen.findByLabelText('Choose a user id'), {
      target: { value: 'newbie' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Creating the account failed. Please try again.',
    );
    expect(sentMethods()).toContain('POST');
    expect(screen.queryByRole('form', { name: 'Sign up' })).not.toBeNull();
  });
});
