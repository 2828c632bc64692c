import { parseErrorBody, parseRecommendationResponse } from '@knewton-kit/contract';
import { seededGraphs } from '@knewton-kit/platform-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExampleBff } from '../test/support/openExampleBff.js';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import type { ExampleBff } from './createExampleBff.js';
import { sessionCookieName } from './demoSession.js';
import type { ExampleBffConfig } from './ExampleBffConfig.js';

const origin = 'http://localhost:5173';
const pseudonymKey = 'recommendation-test-pseudonym-key-0123456789';
const config: ExampleBffConfig = {
  port: 0,
  platform: { kind: 'simulator' },
  database: { kind: 'pglite' },
  pseudonymKey,
  sessionSecret: 'recommendation-test-session-secret-0123456789',
  allowedOrigins: [origin],
  production: false,
};

let app: ExampleBff;
beforeAll(async () => {
  app = await openExampleBff(config);
});
afterAll(() => app.close());

function send(path: string, method: 'GET' | 'PUT' | 'POST', cookie?: string, body?: unknown) {
  const headers = new Headers();
  if (method !== 'GET') {
    headers.set('X-CSRF', '1');
    headers.set('Origin', origin);
  }
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  if (cookie !== undefined) headers.set('Cookie', `${sessionCookieName}=${cookie}`);
  return app.fetch(
    new Request(new URL(path, 'http://localhost:8787'), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

async function signIn(userId: string): Promise<string> {
  const response = await send('/api/session', 'POST', undefined, { userId });
  const cookie = sessionCookieOf(response);
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

const recommendation = (cookie?: string) => send('/api/knewton/recommendation', 'GET', cookie);
const calls = (route: string) => app.sim?.stats().calls[route] ?? 0;
const graph = seededGraphs[0];

describe("GET /api/knewton/recommendation (the library's route, on the simulator's seeded graph)", () => {
  it('answers 401 without a session', async () => {
    const response = await recommendation();
    expect(response.status).toBe(401);
    expect(parseErrorBody(await response.json())?.error.code).toBe('unauthenticated');
  });

  it('answers 404 account_not_found before the account exists, and creates nothing', async () => {
    const cookie = await signIn('no-account-yet');
    const response = await recommendation(cookie);
    expect(response.status).toBe(404);
    expect(parseErrorBody(await response.json())?.error.code).toBe('account_not_found');
    expect(calls('POST /v0/accounts')).toBe(0);
    expect(calls('POST /v0/registrations')).toBe(0);
  });

  it('registers the learner once and returns the graph’s next modules in the contract’s shape', async () => {
    const cookie = await signIn('learner-one');
    expect((await send('/api/knewton/account', 'PUT', cookie)).status).toBe(201);

    const first = await recommendation(cookie);
    expect(first.status).toBe(200);
    const text = await first.text();
    const body = parseRecommendationResponse(JSON.parse(text));
    expect(body?.moduleIds).toEqual(graph?.moduleIds.slice(0, 10));
    expect(body?.status).toBe('unfocused');
    expect(Object.keys(JSON.parse(text)).sort()).toEqual([
      'moduleIds',
      'recommendationId',
      'status',
    ]);
    expect(text).not.toContain(pseudonymKey);

    expect((await recommendation(cookie)).status).toBe(200);
    expect(calls('POST /v0/learning-instances')).toBe(1);
    expect(calls('POST /v0/registrations')).toBe(1);
    expect(calls('GET /v0/registrations/{id}/recommendation')).toBe(2);

    const other = await signIn('learner-two');
    await send('/api/knewton/account', 'PUT', other);
    expect((await recommendation(other)).status).toBe(200);
    expect(calls('POST /v0/learning-instances')).toBe(1);
    expect(calls('POST /v0/registrations')).toBe(2);
  });

  it('stops start-up with one line naming KNEWTON_GRAPH_ID when the simulator has no such graph', async () => {
    const started = openExampleBff({
      ...config,
      graphId: 'gref-00000000-0000-0000-0000-000000000000',
    });
    await expect(started).rejects.toMatchObject({
      name: 'ConfigError',
      variable: 'KNEWTON_GRAPH_ID',
      message: expect.stringMatching(/^KNEWTON_GRAPH_ID names no graph of the simulator/),
    });
  });

  it('answers 503 knewton_unavailable with Retry-After while the platform is down, then recovers', async () => {
    const cookie = await signIn('outage-learner');
    await send('/api/knewton/account', 'PUT', cookie);
    app.sim?.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const down = await recommendation(cookie);
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('Retry-After'))).toBeGreaterThan(0);
      const error = parseErrorBody(await down.json())?.error;
      expect(error).toMatchObject({ code: 'knewton_unavailable', retryable: true });
    } finally {
      app.sim?.setFaults({});
    }
    const back = await recommendation(cookie);
    expect(back.status).toBe(200);
    expect(parseRecommendationResponse(await back.json())?.moduleIds.length).toBeGreaterThan(0);
  });
});
