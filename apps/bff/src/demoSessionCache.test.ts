import { type AccountStore, createPgliteStore } from '@knewton-kit/bff';
import { Hono } from 'hono';
import type { Kysely, KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import {
  createDemoSessions,
  type DemoSessions,
  type DemoSessionsOptions,
  sessionCookieName,
} from './demoSession.js';

/**
 * The per-process cache of verified sessions: what it saves (database round trips) and what it must not
 * cost (a revoked session honoured longer than the documented bound, or at all in the revoking process).
 * Two `createDemoSessions` on one database stand for two example BFF processes sharing PostgreSQL.
 */
const secret = 'z'.repeat(48);
let store: AccountStore;
let queries = 0;
/** Counts every statement the sessions send to the database. */
const countQueries: KyselyPlugin = {
  transformQuery(args) {
    queries++;
    return args.node;
  },
  async transformResult(args) {
    return args.result;
  },
};
const opened: DemoSessions[] = [];

beforeAll(async () => {
  store = await createPgliteStore();
});
afterAll(async () => {
  for (const sessions of opened) sessions.close();
  await store.close();
});

async function instance(options: Partial<DemoSessionsOptions> = {}) {
  const db = (store.db as unknown as Kysely<unknown>).withPlugin(countQueries);
  const sessions = await createDemoSessions({ db, secret, secure: false, ...options });
  opened.push(sessions);
  const host = new Hono();
  host.post('/in', async (c) => {
    await sessions.signIn(c, await c.req.text());
    return c.body(null, 204);
  });
  host.post('/out', async (c) => {
    await sessions.signOut(c);
    return c.body(null, 204);
  });
  host.get('/me', async (c) =>
    c.json({ userId: (await sessions.authenticate(c.req.raw)) ?? null }),
  );
  return {
    async signIn(userId: string, carried?: string): Promise<string> {
      const headers: Record<string, string> = carried === undefined ? {} : { Cookie: carried };
      const response = await host.request('/in', { method: 'POST', body: userId, headers });
      const value = sessionCookieOf(response);
      if (value === undefined) throw new Error('no session cookie');
      return `${sessionCookieName}=${value}`;
    },
    async signOut(cookie: string): Promise<void> {
      await host.request('/out', { method: 'POST', headers: { Cookie: cookie } });
    },
    async whoIs(cookie: string): Promise<string | null> {
      const response = await host.request('/me', { headers: { Cookie: cookie } });
      return ((await response.json()) as { userId: string | null }).userId;
    },
  };
}

describe('the verified-session cache', () => {
  it('asks the database once for a session, not on every request', async () => {
    const a = await instance();
    const cookie = await a.signIn('ada');
    queries = 0;
    expect(await a.whoIs(cookie)).toBe('ada');
    expect(queries).toBe(1);
    for (let i = 0; i < 50; i++) expect(await a.whoIs(cookie)).toBe('ada');
    expect(queries).toBe(1);
  });

  it('with revalidateMs 0, asks the database on every request', async () => {
    const a = await instance({ revalidateMs: 0 });
    const cookie = await a.signIn('ada');
    queries = 0;
    for (let i = 0; i < 3; i++) expect(await a.whoIs(cookie)).toBe('ada');
    expect(queries).toBe(3);
  });

  it('a sign-out stops the session at once in its process, and within revalidateMs in another', async () => {
    let clock = Date.UTC(2026, 11, 1);
    const now = () => clock;
    const a = await instance({ now, revalidateMs: 5_000 });
    const b = await instance({ now, revalidateMs: 5_000 });
    const cookie = await a.signIn('grace');
    expect(await a.whoIs(cookie)).toBe('grace');
    expect(await b.whoIs(cookie)).toBe('grace');

    await a.signOut(cookie);
    expect(await a.whoIs(cookie)).toBeNull();
    // B verified it at `clock` and may trust that for just under 5 s (the documented bound)...
    clock += 4_999;
    expect(await b.whoIs(cookie)).toBe('grace');
    // ...and not a millisecond longer: it asks the database, which no longer has the session.
    clock += 1;
    expect(await b.whoIs(cookie)).toBeNull();
    clock -= 5_000;
    expect(await b.whoIs(cookie)).toBeNull();
  });

  it('the background re-check keeps a session in use fresh and drops one revoked elsewhere (real clock)', async () => {
    const revalidateMs = 200;
    const a = await instance({ revalidateMs });
    const b = await instance({ revalidateMs });
    const kept = await a.signIn('kept');
    const revoked = await a.signIn('revoked');
    expect(await b.whoIs(kept)).toBe('kept');
    expect(await b.whoIs(revoked)).toBe('revoked');

    await a.signOut(revoked);
    const signedOutAt = performance.now();
    let refusedAfterMs: number | undefined;
    while (performance.now() - signedOutAt < 3_000) {
      expect(await b.whoIs(kept)).toBe('kept');
      if ((await b.whoIs(revoked)) === null) {
        refusedAfterMs = performance.now() - signedOutAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The bound is logical (an entry older than revalidateMs is never trusted); the slack is the event loop's.
    expect(refusedAfterMs).toBeDefined();
    expect(refusedAfterMs).toBeLessThan(revalidateMs + 500);
    expect(await b.whoIs(revoked)).toBeNull();
    // Several bounds later the session in use still works, without a request ever having been refused.
    await new Promise((resolve) => setTimeout(resolve, 3 * revalidateMs));
    expect(await b.whoIs(kept)).toBe('kept');
  });

  it('a cached session does not make a tampered copy of its cookie valid', async () => {
    const a = await instance();
    const cookie = await a.signIn('ada');
    expect(await a.whoIs(cookie)).toBe('ada');
    const value = decodeURIComponent(cookie.slice(sessionCookieName.length + 1));
    const dot = value.lastIndexOf('.');
    const token = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    const otherSignature = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    for (const forged of [`${token}.${otherSignature}`, token, `${token}x.${signature}`]) {
      expect(await a.whoIs(`${sessionCookieName}=${encodeURIComponent(forged)}`)).toBeNull();
    }
    // The same value sent unencoded is the same session (Hono decodes the cookie either way).
    expect(await a.whoIs(`${sessionCookieName}=${value}`)).toBe('ada');
  });

  it('a sign-in ends the session the request carried, at once, even when it was cached', async () => {
    const a = await instance();
    const first = await a.signIn('ada');
    expect(await a.whoIs(first)).toBe('ada');
    const second = await a.signIn('ada', first);
    expect(second).not.toBe(first);
    expect(await a.whoIs(first)).toBeNull();
    expect(await a.whoIs(second)).toBe('ada');
  });
});
