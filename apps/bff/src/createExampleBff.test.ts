import { parseAccountResponse, parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleBff, type ExampleBff } from './createExampleBff.js';
import { sessionCookieName } from './demoSession.js';
import type { ExampleBffConfig } from './ExampleBffConfig.js';

const origin = 'http://localhost:5173';
const config: ExampleBffConfig = {
  port: 0,
  platform: { kind: 'simulator' },
  database: { kind: 'pglite' },
  pseudonymKey: 'example-test-pseudonym-key-0123456789',
  sessionSecret: 'example-test-session-secret-0123456789',
  allowedOrigins: [origin],
  production: false,
};

let app: ExampleBff;
beforeAll(async () => {
  app = await createExampleBff(config);
});
afterAll(() => app.close());

function send(path: string, init: RequestInit & { cookie?: string; base?: string } = {}) {
  const { cookie, base = 'http://localhost:8787', ...rest } = init;
  const headers = new Headers(rest.headers);
  const method = rest.method ?? 'GET';
  if (method !== 'GET' && !headers.has('X-CSRF')) headers.set('X-CSRF', '1');
  if (method !== 'GET' && !headers.has('Origin')) headers.set('Origin', origin);
  if (cookie !== undefined) headers.set('Cookie', `${sessionCookieName}=${cookie}`);
  return app.fetch(new Request(new URL(path, base), { ...rest, headers }));
}

async function signIn(userId: string, base?: string) {
  const response = await send('/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId }),
    ...(base === undefined ? {} : { base }),
  });
  const setCookie = response.headers.get('Set-Cookie') ?? '';
  const cookie = /knewton_demo_session=([^;]*)/.exec(setCookie)?.[1];
  return { response, setCookie, cookie };
}

async function codeOf(response: Response) {
  return parseErrorBody(await response.json())?.error.code;
}

const creates = () => app.sim?.stats().calls['POST /v0/accounts'] ?? 0;

describe('demo sign-in (/api/session)', () => {
  it('POST signs in with an HttpOnly, SameSite=Lax cookie (not Secure on plain-http localhost)', async () => {
    const { response, setCookie, cookie } = await signIn('ada');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: 'ada' });
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
    expect(cookie).toBeTruthy();

    const me = await send('/api/session', { cookie });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: 'ada' });
  });

  it('sets Secure anywhere but plain-http localhost', async () => {
    for (const base of ['https://app.example.com', 'http://bff.internal:8787']) {
      expect((await signIn('ada', base)).setCookie).toMatch(/Secure/);
    }
  });

  it('GET without a session, or with a tampered one, is 401 unauthenticated', async () => {
    expect(await codeOf(await send('/api/session'))).toBe('unauthenticated');
    const { cookie = '' } = await signIn('ada');
    const [, expires, signature] = cookie.split('.');
    const forged = `${Buffer.from('eve').toString('base64url')}.${expires}.${signature}`;
    const response = await send('/api/session', { cookie: forged });
    expect(response.status).toBe(401);
    // A forged cookie reaches no account either.
    expect((await send('/api/knewton/account', { cookie: forged })).status).toBe(401);
  });

  it('DELETE signs out by expiring the cookie', async () => {
    const { cookie } = await signIn('ada');
    const response = await send('/api/session', { method: 'DELETE', cookie });
    expect(response.status).toBe(204);
    expect(response.headers.get('Set-Cookie')).toMatch(/knewton_demo_session=;.*Max-Age=0/);
  });

  it.each<[string, RequestInit, number, string]>([
    [
      'no CSRF header',
      { headers: { 'X-CSRF': '0', 'Content-Type': 'application/json' } },
      403,
      'csrf_rejected',
    ],
    [
      'a foreign Origin',
      { headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' } },
      403,
      'csrf_rejected',
    ],
    [
      'malformed JSON',
      { headers: { 'Content-Type': 'application/json' }, body: '{"userId":' },
      400,
      'bad_request',
    ],
    [
      'a form body',
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'userId=ada' },
      415,
      'unsupported_media_type',
    ],
    ['no body', {}, 400, 'bad_request'],
    [
      'an empty userId',
      { headers: { 'Content-Type': 'application/json' }, body: '{"userId":""}' },
      400,
      'bad_request',
    ],
    [
      'a 129-character userId',
      {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: 'x'.repeat(129) }),
      },
      400,
      'bad_request',
    ],
    [
      'a numeric userId',
      { headers: { 'Content-Type': 'application/json' }, body: '{"userId":7}' },
      400,
      'bad_request',
    ],
    [
      'an oversize body',
      {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: 'a', pad: 'x'.repeat(20_000) }),
      },
      413,
      'payload_too_large',
    ],
  ])('POST with %s: %i %s, no cookie set', async (_, init, status, code) => {
    const response = await send('/api/session', { method: 'POST', ...init });
    expect(response.status).toBe(status);
    expect(await codeOf(response)).toBe(code);
    expect(response.headers.get('Set-Cookie')).toBeNull();
  });

  it.each(['/', '/favicon.ico', '/apix', '/api/nothing'])(
    'GET %s (no route) answers 404 with a real request id, in the header and the body',
    async (path) => {
      const response = await send(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      const requestId = response.headers.get('X-Request-Id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(parseErrorBody(await response.json())?.error).toMatchObject({
        code: 'not_found',
        requestId,
      });
      // A caller's own sane request id is taken over, as on every other route.
      const traced = await send(path, { headers: { 'X-Request-Id': 'trace-404' } });
      expect(traced.headers.get('X-Request-Id')).toBe('trace-404');
      expect(parseErrorBody(await traced.json())?.error.requestId).toBe('trace-404');
    },
  );

  it('DELETE without the CSRF header is refused and keeps the session', async () => {
    const { cookie } = await signIn('ada');
    const response = await send('/api/session', {
      method: 'DELETE',
      cookie,
      headers: { 'X-CSRF': '0' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('Set-Cookie')).toBeNull();
  });

  it('unknown paths and methods answer in the JSON error shape', async () => {
    expect(await codeOf(await send('/api/nothing'))).toBe('not_found');
    expect(await codeOf(await send('/'))).toBe('not_found');
    const wrong = await send('/api/session', { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('Allow')).toBe('GET, HEAD, POST, DELETE');
  });
});

describe('the Knewton routes behind the demo session', () => {
  it('signed in: PUT creates (201) once, GET reads; signed out: 401', async () => {
    const { cookie } = await signIn('grace');
    const before = creates();
    const created = await send('/api/knewton/account', { method: 'PUT', cookie });
    expect(created.status).toBe(201);
    const account = parseAccountResponse(await created.json());
    expect((await send('/api/knewton/account', { method: 'PUT', cookie })).status).toBe(200);
    const read = await send('/api/knewton/account', { cookie });
    expect(parseAccountResponse(await read.json())).toEqual(account);
    expect(creates()).toBe(before + 1);
    expect((await send('/api/knewton/account', { method: 'PUT' })).status).toBe(401);
  });

  it('refuses a userId smuggled in the body and ignores one in the query: nothing created', async () => {
    const { cookie } = await signIn('mallory');
    const smuggled = await send('/api/knewton/account?userId=grace', {
      method: 'PUT',
      cookie,
      headers: { 'Content-Type': 'application/json' },
      body: '{"userId":"victim"}',
    });
    expect(smuggled.status).toBe(400);
    expect(await app.bff.provisioner.getAccount('victim')).toBeUndefined();
    expect(await app.bff.provisioner.getAccount('mallory')).toBeUndefined();
  });
});

describe('development route: platform faults', () => {
  it('switches a platform outage on (503 knewton_unavailable) and off again', async () => {
    const { cookie } = await signIn('outage-watcher');
    const faults = (body: unknown) =>
      send('/api/dev/platform-faults', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await faults({ errorRate: 1, errorStatus: 503 })).status).toBe(204);
    // Any tab reads the server's state back.
    expect(await (await send('/api/dev/platform-faults')).json()).toEqual({
      errorRate: 1,
      errorStatus: 503,
    });
    try {
      const down = await send('/api/knewton/account', { method: 'PUT', cookie });
      expect(down.status).toBe(503);
      expect(await codeOf(down)).toBe('knewton_unavailable');
      expect(down.headers.get('Retry-After')).toMatch(/^\d+$/);
    } finally {
      expect((await faults({})).status).toBe(204);
    }
    expect(await (await send('/api/dev/platform-faults')).json()).toEqual({});
    expect((await send('/api/knewton/account', { method: 'PUT', cookie })).status).toBe(201);
  });

  it('refuses invalid faults with 400 and requires the CSRF header', async () => {
    const bad = await send('/api/dev/platform-faults', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"errorRate": 7}',
    });
    expect(bad.status).toBe(400);
    expect(parseErrorBody(await bad.json())?.error.message).toContain('errorRate');
    const noCsrf = await send('/api/dev/platform-faults', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-CSRF': '0' },
      body: '{"errorRate": 1}',
    });
    expect(noCsrf.status).toBe(403);
    expect((await send('/api/knewton/healthz')).status).toBe(200);
  });

  it('does not exist in production', async () => {
    const production = await createExampleBff({ ...config, production: true });
    try {
      const response = await production.fetch(
        new Request('http://localhost:8787/api/dev/platform-faults', {
          method: 'PUT',
          headers: { 'X-CSRF': '1', 'Content-Type': 'application/json' },
          body: '{"errorRate":1}',
        }),
      );
      expect(response.status).toBe(404);
    } finally {
      await production.close();
    }
  });
});
