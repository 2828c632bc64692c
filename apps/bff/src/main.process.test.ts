import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createPgliteStore } from '@knewton-kit/bff';
import { createPlatformSim } from '@knewton-kit/platform-sim';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import { sessionCookieName } from './demoSession.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainPath = resolve(import.meta.dirname, 'main.ts');

/** `pnpm bff` without pnpm: the same entry, run by Node with tsx and the `source` condition. */
function startMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function runToExit(env: Record<string, string>) {
  const child = startMain(env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const apiSecret = 'very-secret-api-secret-value-123';
const remote = {
  KNEWTON_API_URL: 'https://dev-api.knewton.com',
  KNEWTON_API_KEY: 'partner-key',
  KNEWTON_API_SECRET: apiSecret,
  KNEWTON_SYSTEM_EXTERNAL_USER_ID: 'partner-SystemUser',
  KNEWTON_PSEUDONYM_KEY: 'pseudonym-key-that-is-long-enough-123456',
  SESSION_SECRET: 'session-secret-that-is-long-enough-123456',
  ALLOWED_ORIGINS: 'https://app.example.com',
};

describe('pnpm bff: configuration errors stop start-up with one line', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['a missing secret', { ...remote, KNEWTON_PSEUDONYM_KEY: '' }, ['KNEWTON_PSEUDONYM_KEY']],
    [
      'a short session secret',
      { ...remote, SESSION_SECRET: 'tiny-session-secret' },
      ['SESSION_SECRET'],
    ],
    ['a malformed port', { PORT: 'http' }, ['PORT']],
    [
      'a malformed database URL',
      { DATABASE_URL: 'mysql://root:pw-in-url-42@db/x' },
      ['DATABASE_URL'],
    ],
  ])('%s', async (_, env, names) => {
    const { code, stdout, stderr } = await runToExit(env);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Configuration error: /);
    for (const name of names) expect(lines[0]).toContain(name);
    for (const value of [apiSecret, 'tiny-session-secret', 'pw-in-url-42', remote.SESSION_SECRET]) {
      expect(stdout + stderr).not.toContain(value);
    }
  });
});

const productionVariables = [
  'KNEWTON_API_URL',
  'KNEWTON_API_KEY',
  'KNEWTON_API_SECRET',
  'KNEWTON_SYSTEM_EXTERNAL_USER_ID',
  'KNEWTON_PSEUDONYM_KEY',
  'SESSION_SECRET',
  'ALLOWED_ORIGINS',
] as const;

describe('NODE_ENV=production pnpm bff refuses to start without real settings', () => {
  it('with nothing else set: one line per missing variable, no simulator, nothing listening', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kk-production-main-'));
    try {
      const { code, stdout, stderr } = await runToExit({
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
      });
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(productionVariables.length);
      productionVariables.forEach((name, i) => {
        expect(lines[i]).toMatch(/^Configuration error: /);
        expect(lines[i]).toContain(name);
      });
      // Nothing was started or generated: no notices, no listening line, an empty DATA_DIR.
      expect(stdout).toBe('');
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.each(productionVariables)(
    'without %s: exactly that one line, no secret printed',
    async (name) => {
      const { code, stdout, stderr } = await runToExit({
        ...remote,
        NODE_ENV: 'production',
        [name]: '',
      });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      const lines = stderr.trim().split('\n');
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^Configuration error: ${name} `))]);
      for (const value of [apiSecret, remote.SESSION_SECRET, remote.KNEWTON_PSEUDONYM_KEY]) {
        expect(stderr).not.toContain(value);
      }
    },
  );

  it('refuses a development origin', async () => {
    const { code, stderr } = await runToExit({
      ...remote,
      NODE_ENV: 'production',
      ALLOWED_ORIGINS: 'http://localhost:5173',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Configuration error: ALLOWED_ORIGINS .*localhost:5173/),
    ]);
  });

  it('refuses an unknown LOG_LEVEL with one line naming it', async () => {
    const { code, stderr } = await runToExit({ LOG_LEVEL: 'chatty' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^Configuration error: LOG_LEVEL must be one of debug, info, warn, error/,
      ),
    ]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
}

/** Starts the entry and resolves with its URL once it prints its listening line. */
async function startListening(env: Record<string, string>) {
  const child = startMain(env);
  const stdoutLines: string[] = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    lines.on('line', (line) => {
      stdoutLines.push(line);
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) resolveUrl(match[1]);
    });
  });
  return { child, url, stdoutLines };
}

describe('pnpm bff honours LOG_LEVEL', () => {
  it('LOG_LEVEL=warn writes no info request lines', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kk-log-level-'));
    const { child, url, stdoutLines } = await startListening({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    try {
      for (const path of ['/api/knewton/healthz', '/nowhere']) {
        await (await fetch(`${url}${path}`, { headers: { 'X-Request-Id': 'quiet-probe' } })).text();
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      expect(stdoutLines.join('\n')).toContain('Stopped.');
      expect(stdoutLines.filter((line) => line.startsWith('{'))).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('pnpm bff: start, serve and shut down gracefully', () => {
  let dataDir: string;
  let child: ChildProcess;
  let url: string;
  const stdoutLines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kk-example-bff-'));
    child = startMain({ PORT: '0', DATA_DIR: dataDir });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    url = await new Promise<string>((resolveUrl, reject) => {
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      lines.on('line', (line) => {
        stdoutLines.push(line);
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match?.[1]) resolveUrl(match[1]);
      });
    });
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says it started the simulator and where the dev secrets live', () => {
    const text = stdoutLines.join('\n');
    expect(text).toMatch(/simulator in-process at http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain(join(dataDir, 'dev-secrets.json'));
  });

  it('writes request log lines at the default LOG_LEVEL (info)', async () => {
    await (
      await fetch(`${url}/api/knewton/healthz`, { headers: { 'X-Request-Id': 'log-probe' } })
    ).text();
    await waitFor(() => stdoutLines.some((line) => line.includes('log-probe')));
    expect(stdoutLines.find((line) => line.includes('log-probe'))).toContain('"level":"info"');
  });

  it('finishes a request in flight during SIGTERM, then exits 0', async () => {
    const headers = { 'X-CSRF': '1', 'Content-Type': 'application/json' };
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ userId: 'in-flight-user' }),
    });
    const cookie = `${sessionCookieName}=${sessionCookieOf(signIn) ?? ''}`;
    // Every platform call now takes 1.5 s, so the ensure below is still running when SIGTERM arrives.
    const slow = await fetch(`${url}/api/dev/platform-faults`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ latencyMs: 1500 }),
    });
    expect(slow.status).toBe(204);

    const inFlight = fetch(`${url}/api/knewton/account`, {
      method: 'PUT',
      headers: { 'X-CSRF': '1', Cookie: cookie },
    });
    // Wait until the ensure has reached the platform (the simulator counts calls as they arrive).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const stats = (await (await fetch(`${url}/api/dev/platform-stats`)).json()) as {
        calls: Record<string, number>;
      };
      if ((stats.calls['POST /v0/oauth/token'] ?? 0) + (stats.calls['POST /v0/accounts'] ?? 0) > 0)
        break;
      if (Date.now() > deadline) throw new Error('the ensure never reached the platform');
      await new Promise((r) => setTimeout(r, 50));
    }

    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(201);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stdoutLines.join('\n')).toContain('Stopped.');
    // The port is closed now.
    await expect(fetch(`${url}/api/knewton/healthz`)).rejects.toThrow();
    // The store was closed cleanly: the row written during shutdown is there when it is opened again.
    const store = await createPgliteStore({ dataDir: join(dataDir, 'pglite') });
    try {
      const row = await store.findByAppUserId('in-flight-user');
      expect(row?.accountId).toBe(((await response.json()) as { accountId: string }).accountId);
    } finally {
      await store.close();
    }
  });
});

const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
if (!testDatabaseUrl)
  console.warn('[main.process.test] PostgreSQL variant skipped: TEST_DATABASE_URL is not set');

describe.skipIf(!testDatabaseUrl)(
  'two pnpm bff processes on one PostgreSQL share the demo sessions',
  () => {
    const databaseName = `example_bff_sessions_${randomBytes(6).toString('hex')}`;
    const revalidateMs = 1_000;
    const sim = createPlatformSim();
    const children: ChildProcess[] = [];
    let urls: string[] = [];

    beforeAll(async () => {
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`create database ${databaseName}`);
      await admin.end();
      const databaseUrl = new URL(testDatabaseUrl as string);
      databaseUrl.pathname = `/${databaseName}`;
      const platform = await sim.listen({ port: 0 });
      const env = {
        PORT: '0',
        KNEWTON_API_URL: platform.url,
        KNEWTON_API_KEY: sim.apiKey,
        KNEWTON_API_SECRET: sim.apiSecret,
        KNEWTON_SYSTEM_EXTERNAL_USER_ID: sim.systemExternalUserId,
        KNEWTON_PSEUDONYM_KEY: remote.KNEWTON_PSEUDONYM_KEY,
        SESSION_SECRET: remote.SESSION_SECRET,
        ALLOWED_ORIGINS: 'http://localhost:5173',
        DATABASE_URL: databaseUrl.toString(),
        // The bound on how long the other process may still honour a session signed out elsewhere.
        SESSION_REVALIDATE_MS: String(revalidateMs),
      };
      const started = await Promise.all([startListening(env), startListening(env)]);
      children.push(...started.map((process) => process.child));
      urls = started.map((process) => process.url);
    });

    afterAll(async () => {
      for (const child of children) {
        if (child.exitCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        }
      }
      await sim.close();
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${databaseName} with (force)`);
      await admin.end();
    });

    it('signed in on one, signed out on the other: dead there at once, on the first within SESSION_REVALIDATE_MS', async () => {
      const [first = '', second = ''] = urls;
      const headers = { 'X-CSRF': '1', 'Content-Type': 'application/json' };
      const signIn = await fetch(`${first}/api/session`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ userId: 'two-process-learner' }),
      });
      const cookie = `${sessionCookieName}=${sessionCookieOf(signIn) ?? ''}`;
      const me = (url: string) =>
        fetch(`${url}/api/session`, { headers: { Cookie: cookie } }).then((r) => r.json());
      // Both processes have verified (and cached) the session.
      expect(await me(first)).toEqual({ userId: 'two-process-learner' });
      expect(await me(second)).toEqual({ userId: 'two-process-learner' });

      const signOut = await fetch(`${second}/api/session`, {
        method: 'DELETE',
        headers: { 'X-CSRF': '1', Cookie: cookie },
      });
      expect(signOut.status).toBe(204);
      const signedOutAt = performance.now();
      expect(await me(second)).toEqual({ userId: null });
      let firstRefusedAfterMs: number | undefined;
      while (performance.now() - signedOutAt < 5_000) {
        if ((await me(first)).userId === null) {
          firstRefusedAfterMs = performance.now() - signedOutAt;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The bound is logical (a session verified longer ago is never trusted); the slack is two processes' event loops.
      expect(firstRefusedAfterMs).toBeDefined();
      expect(firstRefusedAfterMs).toBeLessThan(revalidateMs + 1_000);
      const ensure = await fetch(`${first}/api/knewton/account`, {
        method: 'PUT',
        headers: { 'X-CSRF': '1', Cookie: cookie },
      });
      expect(ensure.status).toBe(401);
      expect(sim.stats().calls['POST /v0/accounts'] ?? 0).toBe(0);
    });
  },
);
