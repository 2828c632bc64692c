import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAccountResponse, parseRecommendationResponse } from '@knewton-kit/contract';
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
  dataDir = await mkdtemp(join(tmpdir(), 'example-bff-restart-'));
  // A first start's database, copied in: initdb on a new folder is createPgliteStore's own test.
  await seedPgliteFolder(join(dataDir, 'pglite'));
  // What `pnpm dev` / `pnpm bff` build from an empty environment: simulator in-process, PGlite in DATA_DIR.
  config = {
    port: 0,
    platform: { kind: 'simulator' },
    database: { kind: 'pglite', dataDir },
    dataDir,
    pseudonymKey: 'restart-test-pseudonym-key-0123456789',
    sessionSecret: 'restart-test-session-secret-0123456789',
    allowedOrigins: [origin],
    production: false,
  };
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

function send(app: ExampleBff, path: string, method: 'GET' | 'PUT' | 'POST', cookie?: string) {
  const headers = new Headers();
  if (method !== 'GET') {
    headers.set('X-CSRF', '1');
    headers.set('Origin', origin);
  }
  if (cookie !== undefined) headers.set('Cookie', `${sessionCookieName}=${cookie}`);
  const body = method === 'POST' ? JSON.stringify({ userId: 'returning-learner' }) : undefined;
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  return app.fetch(new Request(new URL(path, 'http://localhost:8787'), { method, headers, body }));
}

async function signIn(app: ExampleBff): Promise<string> {
  const response = await send(app, '/api/session', 'POST');
  const cookie = sessionCookieOf(response);
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

describe('example BFF restarted on the same DATA_DIR with the in-process simulator', () => {
  it('a returning user keeps their account id, and "Recommended next" still works', async () => {
    const first = await createExampleBff(config);
    let accountId: string | undefined;
    try {
      const cookie = await signIn(first);
      const created = await send(first, '/api/knewton/account', 'PUT', cookie);
      expect(created.status).toBe(201);
      accountId = parseAccountResponse(await created.json())?.accountId;
      expect(accountId).toBeTruthy();
      expect((await send(first, '/api/knewton/recommendation', 'GET', cookie)).status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await createExampleBff(config);
    try {
      const cookie = await signIn(second);
      const read = await send(second, '/api/knewton/account', 'GET', cookie);
      expect(read.status).toBe(200);
      expect(parseAccountResponse(await read.json())?.accountId).toBe(accountId);
      // Ensuring again finds the account; nothing is created on the platform.
      expect((await send(second, '/api/knewton/account', 'PUT', cookie)).status).toBe(200);
      expect(second.sim?.stats().calls['POST /v0/accounts'] ?? 0).toBe(0);

      // The learning instance and the learner's registration were stored beside the mapping (and kept
      // by the simulator's state file): the new process creates neither again.
      const recommendation = await send(second, '/api/knewton/recommendation', 'GET', cookie);
      expect(recommendation.status).toBe(200);
      expect(second.sim?.stats().calls['POST /v0/learning-instances'] ?? 0).toBe(0);
      expect(second.sim?.stats().calls['POST /v0/registrations'] ?? 0).toBe(0);
      expect(
        parseRecommendationResponse(await recommendation.json())?.moduleIds.length,
      ).toBeGreaterThan(0);

      // The simulator's account list and the store agree.
      const simAccounts = second.sim?.accounts().accounts ?? [];
      expect(simAccounts.map((account) => account.id)).toEqual([accountId]);
      const row = await second.store.findByAppUserId('returning-learner');
      expect(simAccounts[0]?.externalUserId).toBe(row?.externalId);
      expect(existsSync(join(dataDir, 'platform-sim.json'))).toBe(true);
    } finally {
      await second.close();
    }
  });
});
