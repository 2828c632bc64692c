import { parseAccountResponse, parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';

let h: BffHarness;
beforeAll(async () => {
  h = await createBffHarness();
}, harnessTimeoutMs);
afterAll(() => h.dispose());

async function errorOf(response: Response) {
  const body = parseErrorBody(await response.json());
  expect(body, 'the contract error shape').toBeDefined();
  return body?.error;
}

describe('GET and PUT /api/knewton/account', () => {
  it('answers 401 unauthenticated without a session, and calls nothing', async () => {
    const before = h.calls('POST /v0/accounts');
    for (const method of ['GET', 'PUT']) {
      const response = await h.request('/api/knewton/account', { method });
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toMatchObject({ code: 'unauthenticated', retryable: false });
    }
    expect(h.calls('POST /v0/accounts')).toBe(before);
  });

  it('GET never creates: 404 account_not_found for a user without an account', async () => {
    const response = await h.request('/api/knewton/account', { user: 'reader-only' });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: 'account_not_found', retryable: false });
    expect(h.calls('POST /v0/accounts')).toBe(0);
    expect(await h.bff.provisioner.getAccount('reader-only')).toBeUndefined();
  });

  it('PUT creates once (201), then answers 200 with the same account; GET reads it', async () => {
    const created = await h.request('/api/knewton/account', { method: 'PUT', user: 'ada' });
    expect(created.status).toBe(201);
    const account = parseAccountResponse(await created.json());
    expect(account?.accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(account?.createdAt ?? '').toISOString()).toBe(account?.createdAt);

    const again = await h.request('/api/knewton/account', { method: 'PUT', user: 'ada' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(account);

    const read = await h.request('/api/knewton/account', { user: 'ada' });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(account);
    expect(h.calls('POST /v0/accounts')).toBe(1);
  });

  it('marks account answers uncacheable and sends the secure headers', async () => {
    const response = await h.request('/api/knewton/account', { method: 'PUT', user: 'ada' });
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(response.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
  });

  it.each([
    ['an unknown route', '/api/knewton/nothing', 'GET'],
    ['a wrong method', '/api/knewton/account', 'PATCH'],
    ['a refused request (no CSRF header)', '/api/knewton/account', 'PUT'],
  ])('sends the same secure headers on %s', async (_, path, method) => {
    const response = await h.request(path, { method, csrf: false });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
  });

  it('accepts an empty JSON object as the PUT body', async () => {
    const response = await h.request('/api/knewton/account', {
      method: 'PUT',
      user: 'ada',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
  });
});

describe('errors for everything else, in the one JSON shape', () => {
  it.each([['/api/knewton/nope'], ['/api/knewton/account/'], ['/api/knewton'], ['/elsewhere']])(
    '404 not_found for %s',
    async (path) => {
      const response = await h.request(path, { user: 'ada' });
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toMatchObject({ code: 'not_found', retryable: false });
      expect(response.headers.get('Cache-Control')).toBe('no-store');
    },
  );

  it.each([
    ['POST', '/api/knewton/account', 'GET, HEAD, PUT, DELETE'],
    ['PATCH', '/api/knewton/account', 'GET, HEAD, PUT, DELETE'],
    // A method no route names at all is still a 405 on a known path, not a 404.
    ['PROPFIND', '/api/knewton/account', 'GET, HEAD, PUT, DELETE'],
    ['PUT', '/api/knewton/healthz', 'GET, HEAD'],
    ['POST', '/api/knewton/readyz', 'GET, HEAD'],
  ])('405 method_not_allowed for %s %s, with Allow', async (method, path, allow) => {
    const response = await h.request(path, { method, user: 'ada' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe(allow);
    expect(response.headers.get('X-Request-Id')).toMatch(/^[\w-]+$/);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await errorOf(response)).toMatchObject({ code: 'method_not_allowed' });
  });

  it('405 comes before the CSRF check: nothing is routed, so nothing needs protecting', async () => {
    const response = await h.request('/api/knewton/account', {
      method: 'POST',
      headers: { 'X-CSRF': '0' },
    });
    expect(response.status).toBe(405);
  });

  it('HEAD works where GET does', async () => {
    const response = await h.request('/api/knewton/healthz', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});

describe('request ids', () => {
  it('echoes a sane incoming X-Request-Id in the header, the error body and the log', async () => {
    const response = await h.request('/api/knewton/account', {
      headers: { 'X-Request-Id': 'trace-abc_123' },
    });
    expect(response.headers.get('X-Request-Id')).toBe('trace-abc_123');
    expect((await errorOf(response))?.requestId).toBe('trace-abc_123');
    const line = h.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === 'trace-abc_123');
    expect(line).toMatchObject({ msg: 'request', method: 'GET', status: 401 });
  });

  it.each([['has spaces in it'], ['x'.repeat(129)], ['<script>']])(
    'replaces an unusable one (%s) with a generated id',
    async (incoming) => {
      const response = await h.request('/api/knewton/healthz', {
        headers: { 'X-Request-Id': incoming },
      });
      const id = response.headers.get('X-Request-Id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('generates one when none is sent, different each time', async () => {
    const a = await h.request('/api/knewton/healthz');
    const b = await h.request('/api/knewton/healthz');
    expect(a.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('X-Request-Id')).not.toBe(b.headers.get('X-Request-Id'));
  });
});

describe('health', () => {
  it('healthz and readyz answer 200 when the store and platform are up', async () => {
    const health = await h.request('/api/knewton/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await h.request('/api/knewton/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('request log', () => {
  it('writes one line per request with id, method, route template, status and latency', async () => {
    const from = h.logLines.length;
    await h.request('/api/knewton/account', { user: 'ada' });
    await h.request('/api/knewton/users/alice@example.com', { user: 'ada' });
    const lines = h.logLines
      .slice(from)
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/knewton/account',
      status: 200,
    });
    expect(lines[0].requestId).toEqual(expect.any(String));
    expect(lines[0].latencyMs).toEqual(expect.any(Number));
    // An unknown path is logged by template, so whatever a caller put in the URL stays out of the log.
    expect(lines[1]).toMatchObject({ route: '(unmatched)', status: 404 });
    expect(h.logLines.slice(from).join('\n')).not.toContain('alice@example.com');
  });
});
