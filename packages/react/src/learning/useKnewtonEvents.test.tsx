import type { LearningEventInput } from '@knewton-kit/contract';
import { act, fireEvent, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, installFakeClock, settle, until } from '../../test/support/fakeClock.js';
import { setupMswServer } from '../../test/support/mswServer.js';
import { renderWithClient } from '../../test/support/renderWithClient.js';
import type { KnewtonAccountId } from '../KnewtonAccountId.js';
import { KnewtonGate } from '../KnewtonGate.js';
import { knewtonErrorResponse } from '../testing/knewtonErrorResponse.js';
import { knewtonLearningHandlers } from '../testing/knewtonLearningHandlers.js';
import type { KnewtonLearningEvent } from './KnewtonLearningEvent.js';
import { type UseKnewtonEventsResult, useKnewtonEvents } from './useKnewtonEvents.js';
import { useKnewtonRecommendation } from './useKnewtonRecommendation.js';

const msw = setupMswServer();
installFakeClock({ intervals: true });
const eventsUrl = '/api/knewton/events';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let visibility: DocumentVisibilityState = 'visible';
Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
afterEach(() => {
  visibility = 'visible';
});

const answer = (moduleId: string, isCorrect: boolean): KnewtonLearningEvent => ({
  type: 'graded',
  moduleId,
  isCorrect,
});

/** The bodies of every `POST /events` so far, with whether each went out with `keepalive`. */
async function posted(): Promise<{ keepalive: boolean; events: LearningEventInput[] }[]> {
  const posts = msw.requests.filter((request) => new URL(request.url).pathname === eventsUrl);
  return Promise.all(
    posts.map(async (request) => ({
      keepalive: request.keepalive,
      events: ((await request.clone().json()) as { events: LearningEventInput[] }).events,
    })),
  );
}

/** The sender the last rendered component got. */
let sender: UseKnewtonEventsResult | undefined;
afterEach(() => {
  sender = undefined;
});

function Capture({ accountId }: { accountId: KnewtonAccountId }) {
  sender = useKnewtonEvents(accountId);
  return <p>ready</p>;
}

/** A lesson with its "next" pick: sends answers and shows the recommendation. */
function Lesson({ accountId }: { accountId: KnewtonAccountId }) {
  sender = useKnewtonEvents(accountId);
  const recommendation = useKnewtonRecommendation(accountId);
  return (
    <p>
      next {recommendation.status === 'ready' ? recommendation.recommendation.moduleIds[0] : '…'}
    </p>
  );
}

/** Renders the sender inside a ready gate and hands it to the test. */
async function renderSender(): Promise<UseKnewtonEventsResult> {
  msw.server.use(
    http.put('/api/knewton/account', () =>
      HttpResponse.json({ accountId: 'acc-1', createdAt: '2026-01-01T00:00:00.000Z' }),
    ),
  );
  renderWithClient(<KnewtonGate>{(accountId) => <Capture accountId={accountId} />}</KnewtonGate>, {
    provider: { userId: 'u1' },
  });
  expect(await until(() => sender !== undefined)).toBe(true);
  return sender as UseKnewtonEventsResult;
}

describe('useKnewtonEvents', () => {
  it('sends events given together in one batch, each with a UUID made once, with the CSRF header', async () => {
    const fake = knewtonLearningHandlers();
    msw.server.use(...fake.handlers);
    const { send } = await renderSender();
    const ids = [
      send(answer('mref-a', true)),
      send(answer('mref-a', false)),
      send(answer('mref-b', true)),
    ];
    expect(ids.every((id) => uuid.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(3);
    await advance(300);
    expect(await until(() => fake.events.length === 3)).toBe(true);
    const posts = await posted();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.events.map((event) => event.id)).toEqual(ids);
    expect(posts[0]?.events[0]).toMatchObject({
      type: 'graded',
      moduleId: 'mref-a',
      isCorrect: true,
    });
    expect(Date.parse(posts[0]?.events[0]?.interactionEndTime ?? '')).not.toBeNaN();
    const request = msw.requests.find((r) => new URL(r.url).pathname === eventsUrl);
    expect(request?.headers.get('X-CSRF')).toBe('1');
  });

  it('splits a long queue into batches of at most 100, in order', async () => {
    const fake = knewtonLearningHandlers();
    msw.server.use(...fake.handlers);
    const { send } = await renderSender();
    const ids = Array.from({ length: 250 }, (_, i) => send(answer(`mref-${i}`, true)));
    await advance(300);
    expect(await until(() => fake.events.length === 250)).toBe(true);
    expect((await posted()).map((post) => post.events.length)).toEqual([100, 100, 50]);
    expect(fake.events.map((event) => event.id)).toEqual(ids);
  });

  it('sends a failed batch again with the same ids, after Retry-After, until it is accepted', async () => {
    const fake = knewtonLearningHandlers();
    let failures = 2;
    msw.server.use(
      http.post(eventsUrl, () =>
        failures-- > 0 ? knewtonErrorResponse('knewton_unavailable', 5) : undefined,
      ),
      ...fake.handlers,
    );
    const { send } = await renderSender();
    const ids = [send(answer('mref-a', true)), send(answer('mref-a', true))];
    await advance(300);
    expect(await until(() => msw.sent().includes(`POST ${eventsUrl}`))).toBe(true);
    // A new answer during the wait joins the queue but does not cut the Retry-After short.
    ids.push(send(answer('mref-b', false)));
    await advance(4800);
    await settle();
    expect(await posted()).toHaveLength(1);
    await advance(300);
    await advance(5000);
    expect(await until(() => fake.events.length === 3)).toBe(true);
    const posts = await posted();
    expect(posts).toHaveLength(3);
    expect(posts[0]?.events.map((event) => event.id)).toEqual(ids.slice(0, 2));
    expect(posts[1]?.events.map((event) => event.id)).toEqual(ids);
    expect(posts[2]?.events.map((event) => event.id)).toEqual(ids);
    expect(fake.events.map((event) => event.id)).toEqual(ids);
  });

  it('refuses an invalid event at send(), naming the field, and sends nothing', async () => {
    const fake = knewtonLearningHandlers();
    msw.server.use(...fake.handlers);
    const { send } = await renderSender();
    expect(() => send({ type: 'graded', moduleId: 'lesson-1', isCorrect: true })).toThrow(
      'event.moduleId must be a module id (mref-…).',
    );
    expect(() =>
      send({ type: 'graded', moduleId: 'mref-a', isCorrect: true, durationMs: -1 }),
    ).toThrow(TypeError);
    await advance(1000);
    await settle();
    expect(await posted()).toEqual([]);
  });

  it('sends what is queued with keepalive on pagehide, so closing the tab loses no answer', async () => {
    const fake = knewtonLearningHandlers();
    msw.server.use(...fake.handlers);
    const { send } = await renderSender();
    const ids = [send(answer('mref-a', true)), send(answer('mref-a', true))];
    // The tab closes before the batch delay is over.
    act(() => {
      fireEvent(window, new Event('pagehide'));
    });
    expect(await until(() => fake.events.length === 2)).toBe(true);
    const posts = await posted();
    expect(posts).toEqual([{ keepalive: true, events: expect.any(Array) }]);
    expect(posts[0]?.events.map((event) => event.id)).toEqual(ids);
    // Accepted, so the ordinary flush has nothing left to send.
    await advance(1000);
    await settle();
    expect(await posted()).toHaveLength(1);
  });

  it('resends a batch still in flight with keepalive and the same ids when the page is hidden', async () => {
    const fake = knewtonLearningHandlers();
    // The ordinary request hangs (a slow network): only the keepalive one is answered.
    msw.server.use(
      http.post(eventsUrl, ({ request }) =>
        request.keepalive ? undefined : new Promise<never>(() => {}),
      ),
      ...fake.handlers,
    );
    const { send } = await renderSender();
    const ids = [send(answer('mref-a', true)), send(answer('mref-b', false))];
    await advance(300);
    expect(await until(() => msw.sent().includes(`POST ${eventsUrl}`))).toBe(true);
    act(() => {
      visibility = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(await until(() => fake.events.length === 2)).toBe(true);
    const posts = await posted();
    expect(posts.map((post) => post.keepalive)).toEqual([false, true]);
    expect(posts[1]?.events.map((event) => event.id)).toEqual(ids);
  });

  it('keeps the keepalive requests of one exit under 64 KiB together, and sends the rest later', async () => {
    const fake = knewtonLearningHandlers();
    msw.server.use(...fake.handlers);
    const { send } = await renderSender();
    const moduleId = `mref-${'x'.repeat(200)}`;
    for (let i = 0; i < 400; i++) send({ ...answer(moduleId, true), durationMs: 1000 });
    act(() => {
      fireEvent(window, new Event('pagehide'));
    });
    await settle();
    const exit = msw.requests.filter((request) => request.keepalive);
    const bytes = await Promise.all(
      exit.map(async (request) => (await request.clone().text()).length),
    );
    expect(bytes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(64 * 1024);
    expect(exit.length).toBeGreaterThan(1);
    // The page lived on after all: the ordinary flush delivers the rest.
    await advance(300);
    expect(await until(() => fake.events.length === 400)).toBe(true);
  });

  it('drops what is queued on sign-out, so the next session is never credited with it', async () => {
    const fake = knewtonLearningHandlers();
    msw.server.use(
      http.put('/api/knewton/account', () =>
        HttpResponse.json({ accountId: 'acc-1', createdAt: '2026-01-01T00:00:00.000Z' }),
      ),
      ...fake.handlers,
    );
    const view = renderWithClient(
      <KnewtonGate>{(accountId) => <Capture accountId={accountId} />}</KnewtonGate>,
      { provider: { userId: 'u1' } },
    );
    expect(await until(() => sender !== undefined)).toBe(true);
    sender?.send(answer('mref-a', true));
    // Signed out before the batch left (the cookie may belong to someone else by the next request).
    view.rerender({ userId: undefined });
    act(() => {
      fireEvent(window, new Event('pagehide'));
    });
    await advance(1000);
    await settle();
    expect(await posted()).toEqual([]);
  });

  it('moves the recommendation on after the answers that master a module were accepted', async () => {
    const fake = knewtonLearningHandlers({ moduleIds: ['mref-a', 'mref-b'] });
    msw.server.use(...fake.handlers);
    msw.server.use(
      http.put('/api/knewton/account', () =>
        HttpResponse.json({ accountId: 'acc-1', createdAt: '2026-01-01T00:00:00.000Z' }),
      ),
    );
    renderWithClient(<KnewtonGate>{(accountId) => <Lesson accountId={accountId} />}</KnewtonGate>, {
      provider: { userId: 'u1' },
    });
    expect(await until(() => screen.queryByText('next mref-a') !== null)).toBe(true);
    act(() => {
      sender?.send(answer('mref-a', true));
      sender?.send(answer('mref-a', true));
    });
    await advance(300);
    expect(await until(() => fake.events.length === 2)).toBe(true);
    await advance(1500);
    expect(await until(() => screen.queryByText('next mref-b') !== null)).toBe(true);
  });
});
