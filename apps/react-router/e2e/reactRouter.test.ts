import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExample, startExample } from './startExample';

const sessionCookie = 'example_session';
let browser: Browser;
let app: RunningExample;

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
  app = await startExample();
});
afterAll(async () => {
  await app?.stop();
  await browser?.close();
});

const asUser = (userId: string, headers: Record<string, string> = {}) => ({
  ...headers,
  Cookie: `${sessionCookie}=${app.sessionFor(userId)}`,
});
const ensure = (
  userId: string,
  headers: Record<string, string> = { 'X-CSRF': '1', Origin: app.url },
) => fetch(`${app.url}/api/knewton/account`, { method: 'PUT', headers: asUser(userId, headers) });
const accountIdOf = async (userId: string) => {
  const answer = await ensure(userId);
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { accountId: string }).accountId;
};

describe('the BFF contract through a resource route (react-router-serve)', () => {
  it('answers 401 without a session, 403 without X-CSRF, 201 then 200, 404 JSON for unknown paths', async () => {
    const anonymous = await fetch(`${app.url}/api/knewton/account`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      'unauthenticated',
    );
    expect((await ensure('no-csrf', {})).status).toBe(403);
    const created = await ensure('http-user');
    expect(created.status).toBe(201);
    const again = await ensure('http-user');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { accountId: string }).accountId).toBe(
      ((await created.json()) as { accountId: string }).accountId,
    );
    const unknown = await fetch(`${app.url}/api/knewton/nope`, { headers: asUser('http-user') });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('signs in through the example route: 403 without X-CSRF, 400 without a user id, then a cookie that ensures an account, and signs out', async () => {
    const signIn = (headers: Record<string, string>, body: unknown) =>
      fetch(`${app.url}/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const refused = await signIn({}, { userId: 'route-user' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'csrf_rejected',
    );
    const malformed = await signIn({ 'X-CSRF': '1' }, { userId: 42 });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('set-cookie')).toBeNull();
    const signedIn = await signIn({ 'X-CSRF': '1' }, { userId: 'route-user' });
    expect(signedIn.status).toBe(200);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(new RegExp(`^${sessionCookie}=.+`));
    const created = await fetch(`${app.url}/api/knewton/account`, {
      method: 'PUT',
      headers: { Cookie: cookie, 'X-CSRF': '1', Origin: app.url },
    });
    expect(created.status).toBe(201);
    const signedOut = await fetch(`${app.url}/api/session`, {
      method: 'DELETE',
      headers: { Cookie: cookie, 'X-CSRF': '1' },
    });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get('set-cookie')).toMatch(new RegExp(`^${sessionCookie}=;`));
  });
});

/** A signed-in visit in its own browser context: the server's HTML, what the page showed, what it logged. */
async function visit(userId: string, path = '/') {
  const context = await browser.newContext();
  await context.addCookies([{ name: sessionCookie, value: app.sessionFor(userId), url: app.url }]);
  const page = await context.newPage();
  const knewtonRequests: string[] = [];
  const consoleLines: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/knewton'))
      knewtonRequests.push(request.url());
  });
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  try {
    const response = await page.goto(`${app.url}${path}`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    const html = ((await response?.text()) ?? '').replaceAll('<!-- -->', '');
    await expect
      .poll(() => page.getByTestId('recommendations').textContent())
      .toMatch(/^Recommended for [0-9a-f-]{36}$/);
    const shown = await page.getByTestId('recommendations').textContent();
    const problems = consoleLines.filter((line) => /hydrat|did not match|error/i.test(line));
    return { html, shown, knewtonRequests, problems };
  } finally {
    await context.close();
  }
}

describe('server rendering with initialAccountId from the loader, in Chromium', () => {
  it('the gate is open in the server HTML, 0 browser requests to /api/knewton, no hydration warning', async () => {
    const seen = await visit('ssr-user');
    expect(seen.html).toMatch(/Recommended for [0-9a-f-]{36}/);
    expect(seen.knewtonRequests).toEqual([]);
    expect(seen.problems).toEqual([]);
    // The loader and the resource route share one BFF and one store: the account is found (200).
    expect(seen.shown).toBe(`Recommended for ${await accountIdOf('ssr-user')}`);
  });

  it('/lazy after /: the server renders from this request alone (the fallback), the browser asks once, no hydration warning', async () => {
    const userId = 'lazy-after-bootstrap';
    // The server has now rendered this user's id; a QueryClient shared between requests would keep it.
    await visit(userId);
    const seen = await visit(userId, '/lazy');
    expect(seen.html).toContain('Lessons only');
    expect(seen.html).not.toMatch(/Recommended for/);
    expect(seen.shown).toBe(`Recommended for ${await accountIdOf(userId)}`);
    expect(seen.knewtonRequests).toHaveLength(1);
    expect(seen.problems).toEqual([]);
  });

  it('visitors rendered at the same time each get their own id only (no data across requests)', async () => {
    const users = Array.from({ length: 8 }, (_, index) => `together-${index}`);
    const pages = await Promise.all(
      users.map(async (userId) => {
        const answer = await fetch(app.url, { headers: asUser(userId) });
        expect(answer.status).toBe(200);
        return (await answer.text()).replaceAll('<!-- -->', '');
      }),
    );
    const ids = await Promise.all(users.map(accountIdOf));
    expect(new Set(ids).size).toBe(users.length);
    pages.forEach((html, index) => {
      expect(html).toContain(`Recommended for ${ids[index]}`);
      for (const [other, id] of ids.entries()) {
        if (other !== index) expect(html).not.toContain(id);
      }
    });
    const [first, second] = await Promise.all([
      visit(users[0] as string),
      visit(users[1] as string),
    ]);
    expect([first.shown, second.shown]).toEqual([
      `Recommended for ${ids[0]}`,
      `Recommended for ${ids[1]}`,
    ]);
    expect([...first.problems, ...second.problems]).toEqual([]);
    expect([...first.knewtonRequests, ...second.knewtonRequests]).toEqual([]);
  });
});
