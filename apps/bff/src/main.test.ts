import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createPgliteStore } from '@knewton-kit/bff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

  it('finishes a request in flight during SIGTERM, then exits 0', async () => {
    const headers = { 'X-CSRF': '1', 'Content-Type': 'application/json' };
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ userId: 'in-flight-user' }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
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
