import { parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExampleBff } from '../test/support/openExampleBff.js';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
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
}, 60_000);
afterAll(() => app.close());

function send(path: string, init: RequestInit & { cookie?: string } = {}) {
  const { cookie, ...rest } = init;
  const headers = new Headers(rest.headers);
  if ((rest.method ?? 'GET') !== 'GET') {
    headers.set('X-CSRF', '1');
    headers.set('Origin', origin);
  }
  if (cookie !== undefined) headers.set('Cookie', `${sessionCookieName}=${cookie}`);
  return app.fetch(new Request(new URL(path, 'http://localhost:8787'), { ...rest, headers }));
}

/** Signs in with the raw JSON text of the body, so lone surrogates arrive as `\ud800` escapes. */
async function signInJson(bodyText: string) {
  const response = await send('/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: bodyText,
  });
  const cookie = sessionCookieOf(response);
  return { response, cookie };
}

describe('demo sign-in user ids', () => {
  it.each([
    ['a lone surrogate', String.raw`{"userId":"a\ud800b"}`, 'lone surrogate U+D800'],
    ['another lone surrogate', String.raw`{"userId":"a\udc00b"}`, 'lone surrogate U+DC00'],
    ['NEL U+0085', String.raw`{"userId":"a\u0085b"}`, 'U+0085'],
    ['a line separator', String.raw`{"userId":"a\u2028b"}`, 'U+2028'],
    ['a zero-width space', String.raw`{"userId":"a\u200bb"}`, 'U+200B'],
    ['a bidi override', String.raw`{"userId":"a\u202eb"}`, 'U+202E'],
  ])('refuses %s with 400 bad_request and sets no cookie', async (_label, body, detail) => {
    const { response, cookie } = await signInJson(body);
    expect(response.status).toBe(400);
    const error = parseErrorBody(await response.json())?.error;
    expect(error?.code).toBe('bad_request');
    expect(error?.message).toContain(detail);
    expect(cookie).toBeUndefined();
  });

  it('signs in as the NFC spelling, which is the same user as the precomposed one', async () => {
    const decomposed = await signInJson(String.raw`{"userId":"Jose\u0301"}`);
    expect(decomposed.response.status).toBe(200);
    expect(await decomposed.response.json()).toEqual({ userId: 'Jos\u00e9' });
    const first = await send('/api/knewton/account', { method: 'PUT', cookie: decomposed.cookie });
    expect(first.status).toBe(201);

    const precomposed = await signInJson(String.raw`{"userId":"Jos\u00e9"}`);
    const second = await send('/api/knewton/account', {
      method: 'PUT',
      cookie: precomposed.cookie,
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
  });
});
