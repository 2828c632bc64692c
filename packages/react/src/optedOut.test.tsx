import { focusManager } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { advance, installFakeClock, settle, until } from '../test/support/fakeClock.js';
import { accountUrl, setupMswServer } from '../test/support/mswServer.js';
import { renderWithClient } from '../test/support/renderWithClient.js';
import type { KnewtonAccountId } from './KnewtonAccountId.js';
import { KnewtonGate } from './KnewtonGate.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';
import { useKnewtonRecommendation } from './learning/useKnewtonRecommendation.js';
import { KnewtonTestProvider } from './testing/KnewtonTestProvider.js';
import { knewtonErrorResponse } from './testing/knewtonErrorResponse.js';
import { knewtonHandlers } from './testing/knewtonHandlers.js';
import { knewtonLearningHandlers } from './testing/knewtonLearningHandlers.js';
import { useKnewtonAccount } from './useKnewtonAccount.js';

const msw = setupMswServer();
installFakeClock({ intervals: true });

function Status() {
  return <p>status {useKnewtonAccount().status}</p>;
}

function page(onError = vi.fn()) {
  return (
    <>
      <Status />
      <KnewtonGate
        fallback={<p>plain lessons</p>}
        pending={<p>pending</p>}
        error={<p>personalisation paused</p>}
        onError={onError}
      >
        {(accountId) => <p>ready {accountId}</p>}
      </KnewtonGate>
    </>
  );
}

/** The recommendation hook's state, as text. */
function Panel({ accountId }: { accountId: KnewtonAccountId }) {
  const recommendation = useKnewtonRecommendation(accountId);
  return (
    <p>
      recommendation{' '}
      {recommendation.status === 'error' ? recommendation.error.code : recommendation.status}
    </p>
  );
}

const accountRequests = () => msw.sent().filter((line) => line.endsWith('/account'));

describe('an opted-out learner (403 knewton_opted_out)', () => {
  it.each(['lazy', 'eager'] as const)(
    'is a settled state of its own in %s mode: fallback, one request, no retry, no error, no recovery',
    async (mode) => {
      msw.server.use(...knewtonHandlers({ error: 'knewton_opted_out' }));
      const onError = vi.fn();
      renderWithClient(page(onError), { provider: { userId: 'u1', mode } });
      expect(await until(() => screen.queryByText('status opted-out') !== null)).toBe(true);
      expect(screen.queryByText('plain lessons')).not.toBeNull();
      expect(accountRequests()).toEqual([
        `${mode === 'lazy' ? 'PUT' : 'GET'} /api/knewton/account`,
      ]);
      // Past every back-off and the recovery's 10 s pace, and back from a hidden page: no request.
      await advance(60_000);
      act(() => {
        focusManager.setFocused(false);
        focusManager.setFocused(true);
      });
      await advance(60_000);
      await settle();
      expect(accountRequests()).toHaveLength(1);
      expect(screen.queryByText('personalisation paused')).toBeNull();
      expect(screen.queryByText('pending')).toBeNull();
      expect(onError).not.toHaveBeenCalled();
      act(() => focusManager.setFocused(undefined));
    },
  );

  it('opens the gate after opting back in once the host asks again (resetQueries)', async () => {
    let optedOut = true;
    msw.server.use(
      http.put(accountUrl, () =>
        optedOut
          ? knewtonErrorResponse('knewton_opted_out')
          : HttpResponse.json(
              { accountId: 'acc-back', createdAt: '2026-01-01T00:00:00.000Z' },
              { status: 201 },
            ),
      ),
    );
    const { client } = renderWithClient(page(), { provider: { userId: 'u1' } });
    expect(await until(() => screen.queryByText('status opted-out') !== null)).toBe(true);
    optedOut = false;
    await act(() =>
      client.resetQueries({ queryKey: knewtonAccountQueryOptions({ userId: 'u1' }).queryKey }),
    );
    expect(await until(() => screen.queryByText('ready acc-back') !== null)).toBe(true);
    expect(accountRequests()).toHaveLength(2);
    // Straight from the fallback to the children: no error rendering on the way.
    expect(screen.queryByText('personalisation paused')).toBeNull();
  });

  it('makes the recommendation hook ask once and not again', async () => {
    msw.server.use(
      http.put(accountUrl, () =>
        HttpResponse.json({ accountId: 'acc-1', createdAt: '2026-01-01T00:00:00.000Z' }),
      ),
      ...knewtonLearningHandlers({ recommendationError: 'knewton_opted_out' }).handlers,
    );
    renderWithClient(<KnewtonGate>{(id) => <Panel accountId={id} />}</KnewtonGate>, {
      provider: { userId: 'u1' },
    });
    expect(await until(() => screen.queryByText('recommendation knewton_opted_out') !== null)).toBe(
      true,
    );
    await advance(120_000);
    await settle();
    expect(msw.sent().filter((line) => line.endsWith('/recommendation'))).toHaveLength(1);
  });

  it('can be pinned with KnewtonTestProvider, with no network', async () => {
    render(<KnewtonTestProvider state={{ status: 'opted-out' }}>{page()}</KnewtonTestProvider>);
    expect(screen.queryByText('status opted-out')).not.toBeNull();
    expect(screen.queryByText('plain lessons')).not.toBeNull();
    await advance(30_000);
    await settle();
    expect(msw.requests).toHaveLength(0);
  });
});
