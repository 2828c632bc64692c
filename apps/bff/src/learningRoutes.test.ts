import { randomUUID } from 'node:crypto';
import { parseErrorBody } from '@knewton-kit/contract';
import { seededGraphs } from '@knewton-kit/platform-sim';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openExampleBff } from '../test/support/openExampleBff.js';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import type { ExampleBff } from './createExampleBff.js';
import { sessionCookieName } from './demoSession.js';
import type { ExampleBffConfig } from './ExampleBffConfig.js';

/**
 * The `/events` and `/recommendation` routes of the HTTP contract (README.md) against the example app itself (its
 * demo sessions, origin list and in-process simulator), not only the library's harness.
 */
const origin = 'http://localhost:5173';
const graph = seededGraphs[0] as (typeof seededGraphs)[number];
const config: ExampleBffConfig = {
  port: 0,
  platform: { kind: 'simulator' },
  database: { kind: 'pglite' },
  pseudonymKey: 'learning-routes-test-pseudonym-key-0123456789',
  sessionSecret: 'learning-routes-test-session-secret-0123456789',
  allowedOrigins: [origin],
  production: false,
  // Small enough to fill in a test (one learner's share, 5, is below the whole outbox's 6); no
  // recommendation cache, so the per-token limit shows as 429.
  learning: {
    maxPendingEvents: 6,
    maxPendingEventsPerLearner: 5,
    recommendationCacheMs: 0,
    deliveryIntervalMs: 20,
  },
};

let app: ExampleBff;
beforeAll(async () => {
  app = await openExampleBff(config);
});
afterAll(() => app.close());

interface SendOptions {
  cookie?: string | undefined;
  body?: unknown;
  csrf?: boolean;
  origin?: string | null;
}

function send(path: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', options: SendOptions = {}) {
  const headers = new Headers();
  if (method !== 'GET') {
    if (options.csrf !== false) headers.set('X-CSRF', '1');
    if (options.origin !== null) headers.set('Origin', options.origin ?? origin);
  }
  if (options.body !== undefined) headers.set('Content-Type', 'application/json');
  if (options.cookie !== undefined) headers.set('Cookie', `${sessionCookieName}=${options.cookie}`);
  return app.fetch(
    new Request(new URL(path, 'http://localhost:8787'), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }),
  );
}

async function signIn(userId: string): Promise<string> {
  const response = await send('/api/session', 'POST', { body: { userId } });
  const cookie = sessionCookieOf(response);
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

async function learnerWithAccount(userId: string): Promise<string> {
  const cookie = await signIn(userId);
  expect((await send('/api/knewton/account', 'PUT', { cookie })).status).toBe(201);
  return cookie;
}

const graded = (isCorrect = true, id = randomUUID()) => ({
  id,
  type: 'graded',
  moduleId: graph.moduleIds[0] as string,
  interactionEndTime: '2026-12-01T09:00:00Z',
  isCorrect,
});
const postEvents = (cookie: string | undefined, body: unknown, options: SendOptions = {}) =>
  send('/api/knewton/events', 'POST', { cookie, body, ...options });
const stored = async () => {
  const { rows } = await sql<{
    count: string;
  }>`select count(*) as count from knewton_learning_events`.execute(app.store.db);
  return Number(rows[0]?.count);
};
const pending = async () => {
  const { rows } = await sql<{
    count: string;
  }>`select count(*) as count from knewton_learning_events where delivered_at is null`.execute(
    app.store.db,
  );
  return Number(rows[0]?.count);
};
const delivered = () => app.sim?.stats().events ?? 0;

async function errorOf(response: Response) {
  return { status: response.status, ...parseErrorBody(await response.json())?.error };
}

describe('POST /api/knewton/events on the example BFF', () => {
  it('answers 202 {accepted}, delivers each event once, and accepts a resend without delivering it again', async () => {
    const cookie = await learnerWithAccount('events-ada');
    const events = [graded(true), graded(false)];
    const first = await postEvents(cookie, { events });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: 2 });
    await vi.waitFor(() => expect(delivered()).toBe(2), { timeout: 10_000, interval: 20 });
    // The answer was lost, say, and the browser sends the same ids again with a new one.
    const again = await postEvents(cookie, { events: [...events, graded(true)] });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: 3 });
    // Nothing left in the outbox: a resent id stored twice would still be pending, or delivered as a fourth.
    await vi.waitFor(async () => expect(await pending()).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
    expect(delivered()).toBe(3);
  });

  it('refuses one invalid event among valid ones with 400 and stores none of them', async () => {
    const cookie = await learnerWithAccount('events-invalid');
    const before = await stored();
    const response = await postEvents(cookie, {
      events: [graded(), { ...graded(), moduleId: 'lesson-3' }],
    });
    expect(await errorOf(response)).toMatchObject({
      status: 400,
      code: 'bad_request',
      retryable: false,
      message: expect.stringMatching(/events\[1\]\.moduleId/),
    });
    // Well formed, but not a module of the simulator's graph (the example BFF knows its modules).
    const unknownModule = await postEvents(cookie, {
      events: [{ ...graded(), moduleId: 'mref-00000000-not-in-this-graph' }],
    });
    expect(await errorOf(unknownModule)).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: expect.stringMatching(/not a module of this app's knowledge graph/),
    });
    expect(await stored()).toBe(before);
  });

  it('answers 404 account_not_found without an account, storing nothing and creating nothing', async () => {
    const cookie = await signIn('events-no-account');
    const accounts = app.sim?.stats().accounts;
    const before = await stored();
    expect(await errorOf(await postEvents(cookie, { events: [graded()] }))).toMatchObject({
      status: 404,
      code: 'account_not_found',
    });
    expect(await stored()).toBe(before);
    expect(app.sim?.stats().accounts).toBe(accounts);
  });

  it('refuses a missing session (401), a missing X-CSRF header or a foreign origin (403), storing nothing', async () => {
    const cookie = await learnerWithAccount('events-refusals');
    const before = await stored();
    const body = { events: [graded()] };
    expect(await errorOf(await postEvents(undefined, body))).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
    expect(await errorOf(await postEvents(cookie, body, { csrf: false }))).toMatchObject({
      status: 403,
      code: 'csrf_rejected',
    });
    expect(
      await errorOf(await postEvents(cookie, body, { origin: 'https://evil.example' })),
    ).toMatchObject({ status: 403, code: 'csrf_rejected' });
    // A signed-out session no longer works (revoked on the server, not only cleared).
    await send('/api/session', 'DELETE', { cookie });
    expect((await postEvents(cookie, body)).status).toBe(401);
    expect(await stored()).toBe(before);
  });

  it('answers 503 with Retry-After when the outbox is full (platform down), storing nothing of that request', async () => {
    const cookie = await learnerWithAccount('events-full');
    const other = await learnerWithAccount('events-full-other');
    app.sim?.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      // Earlier tests' events are all delivered, so the bound of 6 is this test's alone: one learner's
      // share (5) cannot reach it, a second learner's event can.
      const five = Array.from({ length: 5 }, () => graded());
      expect((await postEvents(cookie, { events: five })).status).toBe(202);
      expect((await postEvents(other, { events: [graded()] })).status).toBe(202);
      const before = await stored();
      const full = await postEvents(other, { events: [graded()] });
      expect(Number(full.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await errorOf(full)).toMatchObject({
        status: 503,
        code: 'knewton_unavailable',
        retryable: true,
      });
      expect(await stored()).toBe(before);
    } finally {
      app.sim?.setFaults({});
    }
    // Once the platform is back the outbox drains and events are taken again. (The platform counts a
    // batch before the outbox records it delivered: wait for the outbox, which is what the bound counts.)
    const start = delivered();
    await vi.waitFor(() => expect(delivered()).toBe(start + 6), { timeout: 40_000, interval: 50 });
    await vi.waitFor(async () => expect(await pending()).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
    // The bound counts the outbox again for a request it would refuse at most every 100 ms
    // (`createOutboxBound`); the drain can finish sooner than that after the last count.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await postEvents(cookie, { events: [graded()] })).status).toBe(202);
  }, 60_000);
});

describe('GET /api/knewton/recommendation on the example BFF', () => {
  it('answers 429 rate_limited with Retry-After past 15 calls a minute for one learner (cache off)', async () => {
    const cookie = await learnerWithAccount('recommendation-busy');
    const calls = () => app.sim?.stats().calls['GET /v0/registrations/{id}/recommendation'] ?? 0;
    const before = calls();
    for (let i = 0; i < 15; i++) {
      expect((await send('/api/knewton/recommendation', 'GET', { cookie })).status).toBe(200);
    }
    const limited = await send('/api/knewton/recommendation', 'GET', { cookie });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await errorOf(limited)).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryable: true,
    });
    // Nothing reached the platform beyond its limit: it never had to answer 429.
    expect(calls() - before).toBe(15);
    // Another learner has a budget of their own.
    const other = await learnerWithAccount('recommendation-other');
    expect((await send('/api/knewton/recommendation', 'GET', { cookie: other })).status).toBe(200);
  });

  it('refuses a missing session with 401 and a signed-in user without an account with 404', async () => {
    expect(await errorOf(await send('/api/knewton/recommendation', 'GET'))).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
    const cookie = await signIn('recommendation-no-account');
    expect(
      await errorOf(await send('/api/knewton/recommendation', 'GET', { cookie })),
    ).toMatchObject({ status: 404, code: 'account_not_found' });
  });
});
