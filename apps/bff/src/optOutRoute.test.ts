import { parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExampleBff } from '../test/support/openExampleBff.js';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import type { ExampleBff } from './createExampleBff.js';
import { sessionCookieName } from './demoSession.js';
import type { ExampleBffConfig } from './ExampleBffConfig.js';

/** The example app's privacy setting, `/api/knewton-opt-out`, over its demo sessions and simulator. */
const origin = 'http://localhost:5173';
const config: ExampleBffConfig = {
  port: 0,
  platform: { kind: 'simulator' },
  database: { kind: 'pglite' },
  pseudonymKey: 'opt-out-route-test-pseudonym-key-0123456789',
  sessionSecret: 'opt-out-route-test-session-secret-0123456789',
  allowedOrigins: [origin],
  production: false,
};

let app: ExampleBff;
beforeAll(async () => {
  app = await openExampleBff(config);
});
afterAll(() => app.close());

function send(
  path: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  options: { cookie?: string; body?: unknown; csrf?: boolean } = {},
) {
  const headers = new Headers();
  if (method !== 'GET' && options.csrf !== false) {
    headers.set('X-CSRF', '1');
    headers.set('Origin', origin);
  }
  if (options.body !== undefined) headers.set('Content-Type', 'application/json');
  if (options.cookie !== undefined) headers.set('Cookie', `${sessionCookieName}=${options.cookie}`);
  return Promise.resolve(
    app.fetch(
      new Request(new URL(path, 'http://localhost:8787'), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }),
    ),
  );
}

async function signIn(userId: string): Promise<string> {
  const cookie = sessionCookieOf(await send('/api/session', 'POST', { body: { userId } }));
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

const accountCreates = () => app.sim?.stats().calls['POST /v0/accounts'] ?? 0;

describe('/api/knewton-opt-out', () => {
  it('turns Knewton off and on for the signed-in learner only', async () => {
    const cookie = await signIn('opt-out-learner');
    expect(await (await send('/api/knewton-opt-out', 'GET', { cookie })).json()).toEqual({
      optedOut: false,
    });
    const off = await send('/api/knewton-opt-out', 'PUT', { cookie });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ optedOut: true });
    expect(await (await send('/api/knewton-opt-out', 'GET', { cookie })).json()).toEqual({
      optedOut: true,
    });

    const creates = accountCreates();
    const refused = await send('/api/knewton/account', 'PUT', { cookie });
    expect(refused.status).toBe(403);
    expect(parseErrorBody(await refused.json())?.error).toMatchObject({
      code: 'knewton_opted_out',
      retryable: false,
    });
    expect(accountCreates()).toBe(creates);

    // Another learner is not affected.
    const other = await signIn('opted-in-learner');
    expect((await send('/api/knewton/account', 'PUT', { cookie: other })).status).toBe(201);

    const on = await send('/api/knewton-opt-out', 'DELETE', { cookie });
    expect(await on.json()).toEqual({ optedOut: false });
    expect((await send('/api/knewton/account', 'PUT', { cookie })).status).toBe(201);
  });

  it('takes the learner from the session only, and needs X-CSRF to change anything', async () => {
    expect((await send('/api/knewton-opt-out', 'GET')).status).toBe(401);
    expect((await send('/api/knewton-opt-out', 'PUT')).status).toBe(401);
    const cookie = await signIn('csrf-learner');
    const forged = await send('/api/knewton-opt-out', 'PUT', { cookie, csrf: false });
    expect(forged.status).toBe(403);
    expect(parseErrorBody(await forged.json())?.error.code).toBe('csrf_rejected');
    const named = await send('/api/knewton-opt-out', 'PUT', {
      cookie,
      body: { userId: 'someone-else' },
    });
    expect(named.status).toBe(400);
    expect(await app.bff.isOptedOut('someone-else')).toBe(false);
    expect(await app.bff.isOptedOut('csrf-learner')).toBe(false);
  });
});
