import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './createTestDatabase';
import { type RunningExample, startExample } from './startExample';

const sessionCookie = 'example_session';
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
});

const stores = ['PGlite', ...(process.env.TEST_DATABASE_URL ? ['PostgreSQL'] : [])];
if (stores.length === 1)
  console.warn('[next] PostgreSQL variant not run: TEST_DATABASE_URL is not set');

describe.each(stores)('the example on %s', (store) => {
  let app: RunningExample;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (store === 'PostgreSQL')
      database = await createTestDatabase(process.env.TEST_DATABASE_URL as string);
    app = await startExample({ databaseUrl: database?.url });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const asUser = (userId: string, headers: Record<string, string> = {}) => ({
    ...headers,
    Cookie: `${sessionCookie}=${app.sessionFor(userId)}`,
  });
  const ensure = (
    userId: string,
    headers: Record<string, string> = { 'X-CSRF': '1', Origin: app.url },
  ) => fetch(`${app.url}/api/knewton/account`, { method: 'PUT', headers: asUser(userId, headers) });

  describe('the BFF contract through Next route handlers (next start)', () => {
    it('answers 401 without a session', async () => {
      const response = await fetch(`${app.url}/api/knewton/account`);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('unauthenticated');
    });

    it('answers 403 to a PUT without X-CSRF', async () => {
      const response = await ensure('no-csrf', {});
      expect(response.status).toBe(403);
      expect((await response.json()).error.code).toBe('csrf_rejected');
    });

    it('creates the account once: 201, then 200 with the same id', async () => {
      const created = await ensure('http-user');
      expect(created.status).toBe(201);
      const again = await ensure('http-user');
      expect(again.status).toBe(200);
      expect((await again.json()).accountId).toBe((await created.json()).accountId);
    });

    it('answers unknown paths 404 in the JSON error shape', async () => {
      const response = await fetch(`${app.url}/api/knewton/nope`, { headers: asUser('http-user') });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    });
  });

  describe('server rendering in Chromium', () => {
    for (const path of ['/', '/prefetch']) {
      it(`${path}: the gate is open from the server's HTML, 0 browser requests to /api/knewton, no hydration warning`, async () => {
        const context = await browser.newContext();
        const userId = `ssr-${path === '/' ? 'initial' : 'prefetch'}`;
        await context.addCookies([
          { name: sessionCookie, value: app.sessionFor(userId), url: app.url },
        ]);
        const page = await context.newPage();
        const knewtonRequests: string[] = [];
        const consoleLines: string[] = [];
        page.on('request', (request) => {
          if (new URL(request.url()).pathname.startsWith('/api/knewton'))
            knewtonRequests.push(request.url());
        });
        page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
        page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
        page.on('response', (answer) => {
          if (answer.status() >= 400)
            consoleLines.push(`error: ${answer.status()} ${answer.url()}`);
        });

        const response = await page.goto(`${app.url}${path}`, { waitUntil: 'networkidle' });
        expect(response?.status()).toBe(200);
        // React separates adjacent text nodes in server HTML with `<!-- -->`.
        const html = (await response?.text())?.replaceAll('<!-- -->', '');
        expect(html).toMatch(/Recommended for [0-9a-f-]{36}/);
        await expect
          .poll(() => page.getByTestId('recommendations').textContent())
          .toMatch(/^Recommended for [0-9a-f-]{36}$/);
        expect(knewtonRequests).toEqual([]);
        expect(consoleLines.filter((line) => /hydrat|did not match|error/i.test(line))).toEqual([]);
        await context.close();
        // The page (server components) and the route handlers are separate bundle layers: they share
        // one BFF and one store, so the account the page created is found, not created again.
        expect((await ensure(userId)).status).toBe(200);
      });
    }
  });
});

describe('nothing downloaded at build or run time', () => {
  it('takes the SWC binary from npm as an optional dependency of next', () => {
    const require = createRequire(import.meta.url);
    const nextDir = dirname(require.resolve('next/package.json'));
    const swc = join(nextDir, '..', '@next', 'swc-linux-x64-gnu', 'package.json');
    expect(existsSync(swc)).toBe(true);
  });
});
