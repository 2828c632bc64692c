import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPgliteFolder } from '../../../packages/bff/test/support/testStores.js';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import { createExampleBff, type ExampleBff } from './createExampleBff.js';
import { sessionCookieName } from './demoSession.js';
import type { ExampleBffConfig } from './ExampleBffConfig.js';

const origin = 'http://localhost:5173';
let dataDir: string;
let config: ExampleBffConfig;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'example-bff-sessions-'));
  // A first start's database, copied in: initdb on a new folder is createPgliteStore's own test.
  await seedPgliteFolder(join(dataDir, 'pglite'));
  config = {
    port: 0,
    platform: { kind: 'simulator' },
    database: { kind: 'pglite', dataDir },
    dataDir,
    pseudonymKey: 'session-restart-pseudonym-key-0123456789',
    sessionSecret: 'session-restart-session-secret-0123456789',
    allowedOrigins: [origin],
    production: false,
  };
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

function session(app: ExampleBff, method: 'GET' | 'POST' | 'DELETE', cookie?: string) {
  const headers = new Headers(method === 'GET' ? {} : { 'X-CSRF': '1', Origin: origin });
  if (cookie !== undefined) headers.set('Cookie', cookie);
  const body = method === 'POST' ? '{"userId":"kept-learner"}' : undefined;
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  return app.fetch(new Request('http://localhost:8787/api/session', { method, headers, body }));
}

describe('demo sessions on PGlite in DATA_DIR', () => {
  it('outlive a restart, and a revoked one stays revoked', async () => {
    const first = await createExampleBff(config);
    let kept: string;
    let revoked: string;
    try {
      const cookieOf = (response: Response) =>
        `${sessionCookieName}=${sessionCookieOf(response) ?? ''}`;
      kept = cookieOf(await session(first, 'POST'));
      revoked = cookieOf(await session(first, 'POST'));
      expect((await session(first, 'DELETE', revoked)).status).toBe(204);
    } finally {
      await first.close();
    }
    const second = await createExampleBff(config);
    try {
      expect(await (await session(second, 'GET', kept)).json()).toEqual({ userId: 'kept-learner' });
      expect(await (await session(second, 'GET', revoked)).json()).toEqual({ userId: null });
    } finally {
      await second.close();
    }
  });
});
