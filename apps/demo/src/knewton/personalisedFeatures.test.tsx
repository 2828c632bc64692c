import { knewtonRecommendationQueryKey } from '@knewton-kit/react/learning';
import { KnewtonTestProvider, type KnewtonTestState } from '@knewton-kit/react/testing';
import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { catalog } from '../courses/catalog.js';
import { stubFetch } from '../testing/stubFetch.js';
import { AccountStatus } from './AccountStatus.js';
import { RecommendedNextPanel } from './RecommendedNext.js';

const accountId = '0f8e2a3c-1b4d-4e5f-8a9b-0c1d2e3f4a5b';
const fetchMock = stubFetch();

function renderIn(state: KnewtonTestState) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <KnewtonTestProvider state={state} queryClient={queryClient}>
      <p>Lessons</p>
      <AccountStatus />
      <RecommendedNextPanel />
    </KnewtonTestProvider>,
  );
}

const lessons = catalog.flatMap((course) => course.lessons);
const recommendation = (moduleIds: string[]) =>
  Response.json({ recommendationId: '42', moduleIds, status: 'unfocused' });

describe('the personalised features', () => {
  it('show the badge and the recommended lessons, in the platform’s order, once the account is ready', async () => {
    const [first, second] = [lessons[3], lessons[1]];
    fetchMock.mockResolvedValue(
      recommendation([first?.moduleId ?? '', 'mref-not-in-this-app', second?.moduleId ?? '']),
    );
    renderIn({ status: 'ready', accountId });

    expect(screen.getByTestId('knewton-badge').getAttribute('title')).toBe(
      `Knewton account ${accountId}`,
    );
    const panel = await screen.findByRole('region', { name: /Recommended next/ });
    await waitFor(() => expect(panel.querySelectorAll('a')).toHaveLength(2));
    expect([...panel.querySelectorAll('a')].map((link) => link.textContent)).toEqual([
      first?.title,
      second?.title,
    ]);
    expect(new URL(String(fetchMock.mock.calls[0]?.[0])).pathname).toBe(
      '/api/knewton/recommendation',
    );
  });

  it('hide the recommendation entirely when the platform cannot answer, and keep the badge', async () => {
    fetchMock.mockImplementation(async () =>
      Response.json(
        {
          error: { code: 'knewton_unavailable', message: 'down', retryable: true, requestId: 'r' },
        },
        { status: 503 },
      ),
    );
    renderIn({ status: 'ready', accountId });
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    // The panel's own query retries once (after a second) before it gives up and hides.
    await waitFor(
      () => expect(screen.queryByRole('region', { name: /Recommended next/ })).toBeNull(),
      {
        timeout: 5000,
      },
    );
    expect(screen.getByTestId('knewton-badge')).toBeTruthy();
    expect(screen.getByText('Lessons')).toBeTruthy();
  });

  it('hide a recommendation fetched earlier once the platform stops answering', async () => {
    const lesson = lessons[0];
    fetchMock.mockImplementationOnce(async () => recommendation([lesson?.moduleId ?? '']));
    fetchMock.mockImplementation(async () =>
      Response.json(
        {
          error: { code: 'knewton_unavailable', message: 'down', retryable: true, requestId: 'r' },
        },
        { status: 503 },
      ),
    );
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <KnewtonTestProvider state={{ status: 'ready', accountId }} queryClient={queryClient}>
        <RecommendedNextPanel />
      </KnewtonTestProvider>,
    );
    expect(await screen.findByRole('link', { name: lesson?.title ?? '' })).toBeTruthy();
    await queryClient.invalidateQueries({ queryKey: knewtonRecommendationQueryKey('test-user') });
    await waitFor(
      () => expect(screen.queryByRole('region', { name: /Recommended next/ })).toBeNull(),
      {
        timeout: 5000,
      },
    );
  });

  it('show only a quiet note with a retry when the account cannot be had, and never ask for a recommendation', () => {
    renderIn({ status: 'error' });
    expect(screen.getByText('Personalisation paused')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.queryByTestId('knewton-badge')).toBeNull();
    expect(screen.queryByRole('region', { name: /Recommended next/ })).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it.each<KnewtonTestState>([
    { status: 'pending' },
    { status: 'signed-out' },
    { status: 'error', code: 'account_not_found' },
  ])('render nothing at all while %j', (state) => {
    const { container } = renderIn(state);
    expect(container.textContent).toBe('Lessons');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
