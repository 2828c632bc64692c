import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithClient } from '../testing/renderWithClient.js';
import { stubFetch } from '../testing/stubFetch.js';
import { SignInForm } from './SignInForm.js';
import { sessionQueryKey } from './useSession.js';

const fetchMock = stubFetch();

describe('SignInForm', () => {
  it('refuses an empty or malformed user id with an alert, without calling the server', () => {
    renderWithClient(<SignInForm />);
    const input = screen.getByLabelText('User id');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert').textContent).toBe('Enter a user id.');
    expect(document.activeElement).toBe(input);
    expect(input.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(input, { target: { value: 'ada lovelace@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert').textContent).toMatch(/letters, digits/);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('signs in through the demo sign-in with the CSRF header and stores the session', async () => {
    fetchMock.mockResolvedValue(Response.json({ userId: 'ada' }));
    const { queryClient } = renderWithClient(<SignInForm />);
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: ' ada ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() =>
      expect(queryClient.getQueryData(sessionQueryKey)).toEqual({ userId: 'ada' }),
    );
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/session');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe(JSON.stringify({ userId: 'ada' }));
    expect(new Headers(init?.headers).get('X-CSRF')).toBe('1');
  });

  it('tells the user when the server refuses, and keeps the form usable', async () => {
    fetchMock.mockResolvedValue(new Response('{}', { status: 500 }));
    renderWithClient(<SignInForm />);
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: 'ada' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Signing in failed. Please try again.',
    );
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(
      false,
    );
  });

  it('takes the signed-in user from the server, never from what was typed', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    const { queryClient } = renderWithClient(<SignInForm />);
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: 'ada' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Signing in failed. Please try again.',
    );
    expect(queryClient.getQueryData(sessionQueryKey)).toBeUndefined();

    fetchMock.mockResolvedValueOnce(Response.json({ userId: 'ada.lovelace' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(queryClient.getQueryData(sessionQueryKey)).toEqual({ userId: 'ada.lovelace' }),
    );
  });
});
