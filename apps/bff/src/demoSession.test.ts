import { type AccountStore, createPgliteStore } from '@knewton-kit/bff';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDemoSessions,
  type DemoSessions,
  sessionCookieName,
  sessionMaxAgeSeconds,
  userIdProblem,
} from './demoSession.js';

const secret = 'x'.repeat(48);
let store: AccountStore;
let clock = Date.UTC(2026, 11, 1);
let sessions: DemoSessions;
let app: Hono;

/** A minimal host of the sessions: sign in as the body's text, sign out, and ask who is signed in. */
function hostOf(demo: DemoSessions): Hono {
  const host = new Hono();
  host.post('/in', async (c) => {
    await demo.signIn(c, await c.req.text());
    return c.body(null, 204);
  });
  host.post('/out', async (c) => {
    await demo.signOut(c);
    return c.body(null, 204);
  });
  host.get('/me', async (c) => c.json({ userId: (await demo.authenticate(c.req.raw)) ?? null }));
  return host;
}

beforeAll(async () => {
  store = await createPgliteStore();
  const db = store.db as unknown as Kysely<unknown>;
  sessions = await createDemoSessions({ db, secret, secure: true, now: () => clock });
  app = hostOf(sessions);
});
afterAll(() => store.close());

async function signIn(userId: string, cookie?: string): Promise<string> {
  const response = await app.request('/in', {
    method: 'POST',
    body: userId,
    headers: cookie === undefined ? {} : { Cookie: `${sessionCookieName}=${cookie}` },
  });
  const value = new RegExp(`${sessionCookieName}=([^;]*)`).exec(
    response.headers.get('Set-Cookie') ?? '',
  )?.[1];
  if (!value) throw new Error('no session cookie');
  return value;
}

async function whoIs(cookie: string): Promise<string | null> {
  const response = await app.request('/me', {
    headers: { Cookie: `theme=dark; ${sessionCookieName}=${cookie}; x=1` },
  });
  return ((await response.json()) as { userId: string | null }).userId;
}

describe('demo sessions kept in the store', () => {
  it('round-trips a user id, including non-ASCII ones', async () => {
    for (const userId of ['ada', 'Łukasz Ö', 'a.b@c', '🦊']) {
      expect(await whoIs(await signIn(userId))).toBe(userId);
    }
  });

  it('sets a signed, HttpOnly, SameSite=Lax cookie with Secure as configured', async () => {
    // A user id no random token or signature could contain by chance (not hex, 8+ characters).
    const response = await app.request('/in', { method: 'POST', body: 'ada.lovelace' });
    const setCookie = response.headers.get('Set-Cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(new RegExp(`Max-Age=${sessionMaxAgeSeconds}`));
    // The cookie is a random token and its signature: the user id is not in it.
    expect(setCookie).not.toContain('lovelace');
    expect(setCookie).not.toContain(Buffer.from('ada.lovelace').toString('base64url'));
  });

  it('gives every sign-in a new token and ends the one the browser still carried', async () => {
    const first = await signIn('ada');
    const second = await signIn('ada', first);
    expect(second).not.toBe(first);
    expect(await whoIs(second)).toBe('ada');
    // Signing in again (as anyone) revokes the session the request arrived with: no fixation.
    expect(await whoIs(first)).toBeNull();
  });

  it('revokes on sign-out: the same cookie stops working', async () => {
    const cookie = await signIn('grace');
    const out = await app.request('/out', {
      method: 'POST',
      headers: { Cookie: `${sessionCookieName}=${cookie}` },
    });
    expect(out.headers.get('Set-Cookie')).toMatch(/Max-Age=0/);
    expect(await whoIs(cookie)).toBeNull();
  });

  it('refuses tampered, foreign-key, truncated and unknown cookies', async () => {
    const cookie = decodeURIComponent(await signIn('ada'));
    const [token = '', signature = ''] = cookie.split('.');
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [`${flipped}.${signature}`, token, `${token}.`, '', 'garbage']) {
      expect(await whoIs(encodeURIComponent(forged))).toBeNull();
    }
    const other = await createDemoSessions({
      db: store.db as unknown as Kysely<unknown>,
      secret: 'y'.repeat(48),
      secure: true,
    });
    // Signed with another SESSION_SECRET: refused even though the token is in the table.
    const foreign = await hostOf(other).request('/me', {
      headers: { Cookie: `${sessionCookieName}=${encodeURIComponent(cookie)}` },
    });
    expect(await foreign.json()).toEqual({ userId: null });
  });

  it('expires after the session lifetime, whatever the browser keeps', async () => {
    const cookie = await signIn('ada');
    clock += sessionMaxAgeSeconds * 1000 - 1;
    expect(await whoIs(cookie)).toBe('ada');
    clock += 1;
    expect(await whoIs(cookie)).toBeNull();
  });

  it('creating the sessions again on the same database is harmless (idempotent migration)', async () => {
    const cookie = await signIn('ada');
    const again = await createDemoSessions({
      db: store.db as unknown as Kysely<unknown>,
      secret,
      secure: true,
      now: () => clock,
    });
    const response = await hostOf(again).request('/me', {
      headers: { Cookie: `${sessionCookieName}=${cookie}` },
    });
    expect(await response.json()).toEqual({ userId: 'ada' });
  });
});

describe('user ids', () => {
  it.each([[''], ['   '], ['x'.repeat(129)], ['tab\there'], [42], [undefined]])(
    'refuses the user id %j',
    (userId) => {
      expect(userIdProblem(userId)).toMatch(/`userId`/);
    },
  );

  it('accepts 128 characters', () => {
    expect(userIdProblem('x'.repeat(128))).toBeUndefined();
  });
});
