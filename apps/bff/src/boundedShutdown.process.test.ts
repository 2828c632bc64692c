import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createPgliteStore } from '@knewton-kit/bff';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import { sessionCookieName } from './demoSession.js';
import { shutdownGraceMs } from './startExampleBff.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainPath = resolve(import.meta.dirname, 'main.ts');
const csrf = { 'X-CSRF': '1', 'Content-Type': 'application/json' };

interface RunningMain {
  child: ChildProcess;
  url: string;
  dataDir: string;
  stdout: string[];
}

/** `pnpm bff` as a process (the same entry, Node + tsx + the `source` condition), PGlite in a temp folder. */
async function startMain(): Promise<RunningMain> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kk-shutdown-'));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath], {
    cwd: repoRoot,
    // A herd signs in from one address: over the demo's per-address sign-in limit, which is not under test.
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SIGN_IN_RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.resume();
  const stdout: string[] = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    lines.on('line', (line) => {
      stdout.push(line);
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) resolveUrl(match[1]);
    });
  });
  return { child, url, dataDir, stdout };
}

async function signIn(url: string, userId: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: csrf,
    body: JSON.stringify({ userId }),
  });
  return `${sessionCookieName}=${sessionCookieOf(response) ?? ''}`;
}

async function platformCalls(url: string): Promise<number> {
  const stats = (await (await fetch(`${url}/api/dev/platform-stats`)).json()) as {
    calls: Record<string, number>;
  };
  return Object.values(stats.calls).reduce((sum, count) => sum + count, 0);
}

interface Answer {
  user: string;
  status: number | 'connection closed';
  retryAfter: string | null;
  accountId?: string;
}

/** PUTs the account for every user at once; each answer (or a dropped connection) is recorded. */
function herdOfEnsures(url: string, cookies: Map<string, string>): Promise<Answer[]> {
  return Promise.all(
    [...cookies].map(async ([user, cookie]): Promise<Answer> => {
      try {
        const response = await fetch(`${url}/api/knewton/account`, {
          method: 'PUT',
          headers: { 'X-CSRF': '1', Cookie: cookie },
        });
        const body = (await response.json()) as { accountId?: string };
        return {
          user,
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          ...(body.accountId ? { accountId: body.accountId } : {}),
        };
      } catch {
        return { user, status: 'connection closed', retryAfter: null };
      }
    }),
  );
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('pnpm bff: bounded shutdown on SIGTERM', () => {
  let running: RunningMain | undefined;
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await once(running.child, 'exit');
    }
    if (running) await rm(running.dataDir, { recursive: true, force: true });
    running = undefined;
  });

  it('with a herd in flight: creates already sent finish, queued users get 503 + Retry-After at once, exit 0', async () => {
    running = await startMain();
    const { url, child } = running;
    const cookies = new Map<string, string>();
    for (let i = 0; i < 400; i++) cookies.set(`herd-${i}`, await signIn(url, `herd-${i}`));
    // Slow platform: the first creates are still running when SIGTERM arrives, the rest wait in line.
    await fetch(`${url}/api/dev/platform-faults`, {
      method: 'PUT',
      headers: csrf,
      body: JSON.stringify({ latencyMs: 1500 }),
    });
    const answers = herdOfEnsures(url, cookies);
    await waitFor(async () => (await platformCalls(url)) > 1, 'the herd to reach the platform');
    const exited = once(child, 'exit') as Promise<[number | null]>;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const all = await answers;
    const [code] = await exited;
    const exitMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(shutdownGraceMs + 1_000);

    const created = all.filter((a) => a.status === 201);
    const refused = all.filter((a) => a.status === 503);
    // A create sent but not finished within the ~5 s hold (a loaded machine) is answered 202 queued and
    // finishes in the background, within the grace period.
    const queued = all.filter((a) => a.status === 202);
    expect(created.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(created.length + refused.length + queued.length).toBe(all.length);
    for (const answer of [...refused, ...queued])
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);

    // Nothing half written: every 201 has its row, and no user refused got one.
    const store = await createPgliteStore({ dataDir: join(running.dataDir, 'pglite') });
    try {
      for (const answer of created) {
        expect((await store.findByAppUserId(answer.user))?.accountId).toBe(answer.accountId);
      }
      for (const answer of refused)
        expect(await store.findByAppUserId(answer.user)).toBeUndefined();
    } finally {
      await store.close();
    }
  }, 120_000);

  it('against a hanging platform: in-flight calls are cut at the grace period, answered 503, exit within grace + 1 s', async () => {
    running = await startMain();
    const { url, child } = running;
    const cookies = new Map<string, string>();
    for (let i = 0; i < 30; i++) cookies.set(`hang-${i}`, await signIn(url, `hang-${i}`));
    await fetch(`${url}/api/dev/platform-faults`, {
      method: 'PUT',
      headers: csrf,
      body: JSON.stringify({ hang: true }),
    });
    const answers = herdOfEnsures(url, cookies);
    await waitFor(async () => (await platformCalls(url)) > 0, 'a platform call to hang');
    const exited = once(child, 'exit') as Promise<[number | null]>;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    const exitMs = Date.now() - signalledAt;
    expect(exitMs).toBeLessThan(shutdownGraceMs + 1_000);
    expect(code).toBe(0);
    const all = await answers;
    // Every request got an answer (no dropped connection) with Retry-After: 503 for users still in line
    // and for creates cut at the grace period; 202 queued for a create still hanging when its ~5 s hold
    // was over (it was then cut too: nothing is stored).
    for (const answer of all) {
      expect([202, 503]).toContain(answer.status);
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(all.some((answer) => answer.status === 503)).toBe(true);
    const store = await createPgliteStore({ dataDir: join(running.dataDir, 'pglite') });
    try {
      for (const user of cookies.keys()) expect(await store.findByAppUserId(user)).toBeUndefined();
    } finally {
      await store.close();
    }
  }, 120_000);
});
