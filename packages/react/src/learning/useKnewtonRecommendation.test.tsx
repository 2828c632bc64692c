import { screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { advance, installFakeClock, settle, until } from '../../test/support/fakeClock.js';
import { setupMswServer } from '../../test/support/mswServer.js';
import { renderWithClient } from '../../test/support/renderWithClient.js';
import type { KnewtonAccountId } from '../KnewtonAccountId.js';
import { KnewtonGate } from '../KnewtonGate.js';
import { knewtonErrorResponse } from '../testing/knewtonErrorResponse.js';
import { knewtonLearningHandlers } from '../testing/knewtonLearningHandlers.js';
import { useKnewtonRecommendation } from './useKnewtonRecommendation.js';

const msw = setupMswServer();
installFakeClock({ intervals: true });
const recommendationUrl = '/api/knewton/recommendation';
const accountUrl = '/api/knewton/account';
const modules = ['mref-first', 'mref-second', 'mref-third'];

/** Every rendering of the panel, each recorded once when it appears. */
function Panel({ accountId, seen }: { accountId: KnewtonAccountId; seen: string[] }) {
  const recommendation = useKnewtonRecommendation(accountId);
  const text =
    recommendation.status === 'ready'
      ? `ready ${recommendation.recommendation.moduleIds.join(' ')}${recommendation.refreshError ? ' (stale)' : ''}`
      : recommendation.status === 'error'
        ? `error ${recommendation.error.code}`
        : 'pending';
  if (seen.at(-1) !== text) seen.push(text);
  return <p>{text}</p>;
}

function renderPanel(retry?: number) {
  const seen: string[] = [];
  msw.server.use(
    http.put(accountUrl, () =>
      HttpResponse.json({ accountId: 'acc-1', createdAt: '2026-01-01T00:00:00.000Z' }),
    ),
  );
  const view = renderWithClient(
    <KnewtonGate>{(accountId) => <Panel accountId={accountId} seen={seen} />}</KnewtonGate>,
    { provider: { userId: 'u1', ...(retry === undefined ? {} : { retry }) } },
  );
  return { ...view, seen };
}

const recommendationRequests = () => msw.sent().filter((line) => line.endsWith('/recommendation'));

describe('useKnewtonRecommendation', () => {
  it('shows the platform’s modules once the account is ready, with one request', async () => {
    msw.server.use(...knewtonLearningHandlers({ moduleIds: modules }).handlers);
    const { seen } = renderPanel();
    expect(await until(() => screen.queryByText(/^ready/) !== null)).toBe(true);
    expect(seen).toEqual(['pending', 'ready mref-first mref-second mref-third']);
    expect(recommendationRequests()).toEqual(['GET /api/knewton/recommendation']);
  });

  it('reports a 404 account_not_found at once and does not ask again by itself', async () => {
    msw.server.use(
      ...knewtonLearningHandlers({ recommendationError: 'account_not_found' }).handlers,
    );
    const { seen } = renderPanel();
    expect(await until(() => seen.includes('error account_not_found'))).toBe(true);
    await advance(60_000);
    await settle();
    expect(recommendationRequests()).toHaveLength(1);
    expect(seen).toEqual(['pending', 'error account_not_found']);
  });

  it('retries a 503 after its Retry-After, keeps the error on screen while asking again, then shows the answer', async () => {
    let healthy = false;
    msw.server.use(
      http.get(recommendationUrl, () =>
        healthy
          ? HttpResponse.json({ recommendationId: '7', moduleIds: ['mref-first'], status: 'ready' })
          : knewtonErrorResponse('knewton_unavailable', 3),
      ),
    );
    const { seen } = renderPanel(1);
    expect(await until(() => recommendationRequests().length === 1)).toBe(true);
    // The one retry waits the full Retry-After (3 s), not less.
    await advance(2900);
    expect(recommendationRequests()).toHaveLength(1);
    await advance(200);
    expect(await until(() => seen.includes('error knewton_unavailable'))).toBe(true);
    expect(recommendationRequests()).toHaveLength(2);
    // The outage goes on: one more request every Retry-After, the error staying on screen.
    await advance(9000);
    await settle();
    expect(recommendationRequests()).toHaveLength(5);
    healthy = true;
    await advance(3000);
    expect(await until(() => seen.includes('ready mref-first'))).toBe(true);
    // Forward only: never back to pending after the error.
    expect(seen).toEqual(['pending', 'error knewton_unavailable', 'ready mref-first']);
  });

  it('waits out a 429’s Retry-After before asking again', async () => {
    let limited = true;
    msw.server.use(
      http.get(recommendationUrl, () =>
        limited
          ? knewtonErrorResponse('rate_limited', 20)
          : HttpResponse.json({
              recommendationId: '8',
              moduleIds: ['mref-second'],
              status: 'ready',
            }),
      ),
    );
    const { seen } = renderPanel(0);
    expect(await until(() => seen.includes('error rate_limited'))).toBe(true);
    limited = false;
    // The kit's 10 s cap for the account does not apply: the budget is not back before 20 s.
    await advance(19_000);
    await settle();
    expect(recommendationRequests()).toHaveLength(1);
    await advance(1500);
    expect(await until(() => seen.includes('ready mref-second'))).toBe(true);
    expect(recommendationRequests()).toHaveLength(2);
  });

  it('keeps the last recommendation, marked stale, when a refresh fails, and recovers', async () => {
    let healthy = true;
    msw.server.use(
      http.get(recommendationUrl, () =>
        healthy
          ? HttpResponse.json({ recommendationId: '9', moduleIds: ['mref-third'], status: 'ready' })
          : knewtonErrorResponse('knewton_unavailable', 2),
      ),
    );
    const { seen, client } = renderPanel(0);
    expect(await until(() => seen.includes('ready mref-third'))).toBe(true);
    healthy = false;
    await client.invalidateQueries({
      queryKey: ['knewton-kit', 'account', 'u1', 'recommendation'],
    });
    expect(await until(() => seen.includes('ready mref-third (stale)'))).toBe(true);
    healthy = true;
    await advance(2000);
    expect(await until(() => seen.at(-1) === 'ready mref-third')).toBe(true);
    expect(seen).toEqual([
      'pending',
      'ready mref-third',
      'ready mref-third (stale)',
      'ready mref-third',
    ]);
  });
});
