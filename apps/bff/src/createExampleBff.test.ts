import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAccountResponse, parseErrorBody } from '@knewton-kit/contract';
import { createPlatformSim } from '@knewton-kit/platform-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExampleBff } from '../test/support/openExampleBff.js';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import { ConfigError } from './ConfigError.js';
import type { ExampleBff } from './createExampleBff.js';
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
  app = await openExampleBff(config);
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
  const cookie = sessionCookieOf(response);
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

  it('decides Secure from the configured public origin, not from the Host header', async () => {
    // An https proxy in front may forward `Host: localhost`; the cookie must still be Secure.
    const behindProxy = await openExampleBff({
      ...config,
      allowedOrigins: ['https://app.example.com'],
    });
    try {
      const response = await behindProxy.fetch(
        new Request('http://localhost:8787/api/session', {
          method: 'POST',
          headers: { 'X-CSRF': '1', 'Content-Type': 'application/json' },
          body: '{"userId":"ada"}',
        }),
      );
      expect(response.headers.get('Set-Cookie')).toMatch(/Secure/);
    } finally {
      await behindProxy.close();
    }
    // A plain-http public origin (the Vite dev server) gets no Secure, whatever the Host says.
    expect((await signIn('ada', 'https://bff.example.com')).setCookie).not.toMatch(/Secure/);
  });

  it('GET when signed out is 200 {"userId": null}, not an error', async () => {
    const response = await send('/api/session');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: null });
  });

  it('GET with a tampered cookie is signed out, and the bad cookie is cleared', async () => {
    const { cookie = '' } = await signIn('ada');
    // A different first character, whatever the random token starts with (an 'A' stays an 'A' 1 time in 64).
    const forged = `${cookie.startsWith('A') ? 'B' : 'A'}${cookie.slice(1)}`;
    const response = await send('/api/session', { cookie: forged });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: null });
    expect(response.headers.get('Set-Cookie')).toMatch(/knewton_demo_session=;.*Max-Age=0/);
    // A forged cookie reaches no account either.
    expect((await send('/api/knewton/account', { cookie: forged })).status).toBe(401);
  });

  it('DELETE revokes the session on the server: the old cookie neither reads the user nor provisions', async () => {
    const { cookie } = await signIn('signed-out-learner');
    const response = await send('/api/session', { method: 'DELETE', cookie });
    expect(response.status).toBe(204);
    expect(response.headers.get('Set-Cookie')).toMatch(/knewton_demo_session=;.*Max-Age=0/);

    // A copy of the cookie kept by an attacker (or a browser that ignored the Set-Cookie) is dead.
    const before = creates();
    expect(await (await send('/api/session', { cookie })).json()).toEqual({ userId: null });
    const ensure = await send('/api/knewton/account', { method: 'PUT', cookie });
    expect(ensure.status).toBe(401);
    expect(await codeOf(ensure)).toBe('unauthenticated');
    expect(creates()).toBe(before);
    expect(await app.bff.provisioner.getAccount('signed-out-learner')).toBeUndefined();
  });

  it('every sign-in gets a new session id', async () => {
    const first = await signIn('ada');
    const second = await signIn('ada');
    expect(first.cookie).not.toBe(second.cookie);
    expect(await (await send('/api/session', { cookie: first.cookie })).json()).toEqual({
      userId: 'ada',
    });
  });

  it('limits sign-ins per client address: 429 rate_limited with Retry-After, other addresses unaffected', async () => {
    const limited = await openExampleBff({ ...config, signInsPerMinute: 3 });
    try {
      const signInFrom = (remoteAddress: string) =>
        limited.fetch(
          new Request('http://localhost:8787/api/session', {
            method: 'POST',
            headers: { 'X-CSRF': '1', 'Content-Type': 'application/json' },
            body: '{"userId":"ada"}',
          }),
          { incoming: { socket: { remoteAddress } } },
        );
      for (let i = 0; i < 3; i++) expect((await signInFrom('203.0.113.7')).status).toBe(200);
      const refused = await signInFrom('203.0.113.7');
      expect(refused.status).toBe(429);
      expect(await codeOf(refused)).toBe('rate_limited');
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(refused.headers.get('Set-Cookie')).toBeNull();
      expect((await signInFrom('203.0.113.8')).status).toBe(200);
    } finally {
      await limited.close();
    }
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
    // Production runs only against a platform of its own; the simulator here stands in for it.
    const sim = app.sim;
    if (!sim) throw new Error('the test app runs the simulator');
    const production = await openExampleBff({
      ...config,
      platform: {
        kind: 'remote',
        baseUrl: sim.url,
        apiKey: sim.apiKey,
        apiSecret: sim.apiSecret,
        systemExternalUserId: sim.systemExternalUserId,
      },
      allowedOrigins: ['https://app.example.com'],
      production: true,
    });
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

describe('production mode never falls back to development', () => {
  it('refuses the in-process simulator and generated secrets, and writes nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kk-production-'));
    try {
      const { pseudonymKey: _p, sessionSecret: _s, ...withoutSecrets } = config;
      const refusal = await openExampleBff({
        ...withoutSecrets,
        database: { kind: 'pglite', dataDir },
        dataDir,
        production: true,
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(ConfigError);
      expect((refusal as ConfigError).problems.map((problem) => problem.variable)).toEqual([
        'KNEWTON_API_URL',
        'KNEWTON_PSEUDONYM_KEY',
        'SESSION_SECRET',
        'ALLOWED_ORIGINS',
      ]);
      // No simulator state, no generated secrets, no database: nothing was started.
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('opens for a command-line tool (servesBrowsers: false) without origins or a session secret', async () => {
    const platformSim = createPlatformSim();
    const { url } = await platformSim.listen({ port: 0 });
    const { sessionSecret: _s, ...withoutSession } = config;
    const cli = await openExampleBff({
      ...withoutSession,
      platform: {
        kind: 'remote',
        baseUrl: url,
        apiKey: platformSim.apiKey,
        apiSecret: platformSim.apiSecret,
        systemExternalUserId: platformSim.systemExternalUserId,
      },
      allowedOrigins: [],
      servesBrowsers: false,
      production: true,
    });
    try {
      const { account } = await cli.bff.provisioner.ensureAccount('cli-user');
      expect(account.accountId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await cli.close();
      await platformSim.close();
    }
  });

  it('tells a server, not a command-line tool, about its development routes', async () => {
    const { sessionSecret: _s, ...withoutSession } = config;
    const noticesOf = async (servesBrowsers: boolean) => {
      const notices: string[] = [];
      const example = await openExampleBff(
        { ...withoutSession, servesBrowsers, sessionSecret: config.sessionSecret },
        { notice: (line) => notices.push(line) },
      );
      await example.close();
      return notices.filter((line) => line.includes('/api/dev/'));
    };
    expect(await noticesOf(true)).toHaveLength(1);
    expect(await noticesOf(false)).toEqual([]);
  });

  it('/readyz is not ready until the real platform gives a token (no simulator behind it)', async () => {
    // The platform's address, with nothing listening on it yet.
    const probe = createPlatformSim();
    const { url } = await probe.listen({ port: 0 });
    await probe.close();
    const platformSim = createPlatformSim();
    const production = await openExampleBff({
      ...config,
      platform: {
        kind: 'remote',
        baseUrl: url,
        apiKey: platformSim.apiKey,
        apiSecret: platformSim.apiSecret,
        systemExternalUserId: platformSim.systemExternalUserId,
      },
      allowedOrigins: ['https://app.example.com'],
      production: true,
    });
    const readyz = () => production.fetch(new Request('http://localhost:8787/api/knewton/readyz'));
    try {
      expect(production.sim).toBeUndefined();
      const down = await readyz();
      expect(down.status).toBe(503);
      expect(await codeOf(down)).toBe('knewton_unavailable');
      await platformSim.listen({ port: Number(new URL(url).port) });
      expect((await readyz()).status).toBe(200);
    } finally {
      await production.close();
      await platformSim.close();
    }
  });
});
