import { QueryClient } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setupMswServer } from '../test/support/mswServer.js';
import { renderWithClient } from '../test/support/renderWithClient.js';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';

const msw = setupMswServer();

describe('knewtonAccountQueryOptions', () => {
  it('lets a route loader fetch the id, after which the gate opens with no request', async () => {
    msw.server.use(...knewtonHandlers({ accountId: 'acc-loader', exists: true }));
    const client = new QueryClient();
    const accountId = await client.ensureQueryData(
      knewtonAccountQueryOptions({ userId: 'u1', mode: 'eager' }),
    );
    expect(accountId).toBe('acc-loader');
    renderWithClient(<KnewtonGate>{(id) => <p>open {id}</p>}</KnewtonGate>, {
      provider: { userId: 'u1', mode: 'eager' },
      client,
    });
    expect(screen.queryByText('open acc-loader')).not.toBeNull();
    expect(msw.sent()).toEqual(['GET /api/knewton/account']);
  });

  it('keys by user and is skipped when signed out', async () => {
    expect(knewtonAccountQueryOptions({ userId: 'u1' }).queryKey).toEqual([
      'knewton-kit',
      'account',
      'u1',
    ]);
    const client = new QueryClient();
    await expect(
      client.ensureQueryData(knewtonAccountQueryOptions({ userId: undefined })),
    ).rejects.toThrow();
    expect(msw.sent()).toEqual([]);
  });

  it.each([
    [{ userId: '' }, '`userId` must be a string or undefined'],
    [{ userId: null as unknown as string }, '`userId` must be a string or undefined'],
    [{ userId: 'u1', mode: 'sometimes' as 'lazy' }, '`mode` must be lazy or eager'],
  ])('refuses %j, naming the option', (input, message) => {
    expect(() => knewtonAccountQueryOptions(input)).toThrow(message);
  });
});
