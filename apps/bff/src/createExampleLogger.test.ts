import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExampleBff } from '../test/support/openExampleBff.js';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import type { ExampleBff } from './createExampleBff.js';
import { createExampleLogger } from './createExampleLogger.js';
import { sessionCookieName } from './demoSession.js';
import type { ExampleBffConfig } from './ExampleBffConfig.js';

const origin = 'http://localhost:5173';
const pseudonymKey = 'example-log-test-pseudonym-key-0123456789';
const sessionSecret = 'example-log-test-session-secret-0123456789';
const config: ExampleBffConfig = {
  port: 0,
  platform: { kind: 'simulator' },
  database: { kind: 'pglite' },
  pseudonymKey,
  sessionSecret,
  allowedOrigins: [origin],
  production: false,
};
const email = 'jane.doe@example.com';

const lines: string[] = [];
let app: ExampleBff;
beforeAll(async () => {
  app = await openExampleBff(config, {
    logger: createExampleLogger({ level: 'debug', destination: { write: (l) => lines.push(l) } }),
  });
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

describe('the example BFF logs through pino', () => {
  it('one JSON line per request, with no user id, cookie, external id, token or secret in any of them', async () => {
    const signIn = await send('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: email }),
    });
    const cookie = sessionCookieOf(signIn);
    expect(cookie).toBeDefined();
    expect((await send('/api/knewton/account', { method: 'PUT', cookie })).status).toBe(201);
    expect((await send('/api/knewton/account', { method: 'PUT', cookie })).status).toBe(200);
    expect((await send(`/api/knewton/account?user=${email}`, { cookie })).status).toBe(200);
    expect((await send(`/api/nowhere/${email}`)).status).toBe(404);
    const smuggled = await send('/api/knewton/account', {
      method: 'PUT',
      cookie,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: email }),
    });
    expect(smuggled.status).toBe(400);

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((entry) => entry.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(6);
    expect(requests[0]).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/api/session',
      status: 200,
      requestId: expect.any(String),
    });
    expect(Date.parse(String(requests[0]?.time))).not.toBeNaN();

    const { externalId } = (await app.store.findByAppUserId(email)) ?? {};
    const sim = app.sim;
    const secrets = [
      email,
      'jane.doe',
      cookie as string,
      externalId as string,
      pseudonymKey,
      sessionSecret,
      sim?.apiKey as string,
      sim?.apiSecret as string,
    ];
    const log = lines.join('\n');
    for (const secret of secrets) {
      expect(secret).toBeTruthy();
      expect(log).not.toContain(secret);
    }
  });

  it('redacts what a careless call would leak', () => {
    const own: string[] = [];
    const logger = createExampleLogger({ destination: { write: (l) => own.push(l) } });
    logger.warn(
      {
        headers: { cookie: `${sessionCookieName}=tok-qwzy-secret` },
        appUserId: email,
        apiSecret: 'sec-1',
      },
      'careless',
    );
    expect(own[0]).not.toContain(email);
    expect(own[0]).not.toContain('tok-qwzy-secret');
    expect(own[0]).not.toContain('sec-1');
    expect(JSON.parse(own[0] as string)).toMatchObject({ level: 'warn', msg: 'careless' });
  });
});

describe('the example logger time field', () => {
  it('is the ISO 8601 time of each line, also for lines written in different milliseconds', async () => {
    const written: string[] = [];
    const logger = createExampleLogger({ destination: { write: (l) => written.push(l) } });
    const before = Date.now();
    logger.info('first');
    logger.info('second');
    await new Promise((resolve) => setTimeout(resolve, 10));
    logger.info('third');
    const after = Date.now();
    const times = written.map((line) => String((JSON.parse(line) as { time: unknown }).time));
    for (const time of times) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(time)).toBeLessThanOrEqual(after);
    }
    // The line written after the pause carries its own time, not the one formatted for the first lines.
    expect(Date.parse(times[2] as string)).toBeGreaterThan(Date.parse(times[0] as string));
  });
});
