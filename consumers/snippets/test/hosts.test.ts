// Runs the host snippets of the READMEs as they are written: every Markdown file whose blocks include a
// `// server.ts` (plain Node) or `// express.ts` (Express) file is started as its own process with tsx,
// against the simulator's CLI from its tarball, and must answer a real ensure through the documented
// contract. The Next.js snippets are the example app's own files (checked by the repository's tests) and
// run there.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const snippetsDir = resolve(import.meta.dirname, '../snippets');
const require = createRequire(import.meta.url);
const tsx = pathToFileURL(require.resolve('tsx')).href;
const hostFiles = ['server.ts', 'express.ts'];
const hosts = readdirSync(snippetsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    hostFiles
      .filter((file) => existsSync(join(snippetsDir, entry.name, file)))
      .map((file) => ({ folder: entry.name, file })),
  );
const appOrigin = 'http://localhost:3000';

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function answered(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((wait) => setTimeout(wait, 200));
    }
  }
  throw new Error(`no answer from ${url} within 45 s:\n${log()}`);
}

function start(file: string, args: string[], env: Record<string, string>, cwd: string) {
  let log = '';
  const child = spawn(process.execPath, ['--import', tsx, file, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  return { child, log: () => log };
}

// The CLI as npm installed it (the package's exports do not include its bin file).
const simCli = resolve(
  import.meta.dirname,
  '../node_modules/@knewton-kit/platform-sim/dist/cli.js',
);
const credentials = { key: 'snippet-key', secret: 'snippet-secret', system: 'snippet-system' };
let sim: ReturnType<typeof start>;
let simUrl: string;

beforeAll(async () => {
  const port = await freePort();
  simUrl = `http://127.0.0.1:${port}`;
  sim = start(
    simCli,
    [
      ['--port', String(port), '--api-key', credentials.key, '--api-secret', credentials.secret],
      ['--system-external-user-id', credentials.system],
    ].flat(),
    {},
    tmpdir(),
  );
  await answered(`${simUrl}/__sim/stats`, sim.child, sim.log);
});
afterAll(() => {
  sim?.child.kill('SIGTERM');
});

it('finds the host snippets of the READMEs', () => {
  // The root README and @knewton-kit/bff's each show a plain Node server and an Express one.
  expect(hosts.map(({ folder, file }) => `${folder}/${file}`).sort()).toEqual(
    expect.arrayContaining(['packages-bff-readme/server.ts', 'packages-bff-readme/express.ts']),
  );
});

describe.each(hosts)('$folder/$file, run as written', ({ folder, file }) => {
  let host: ReturnType<typeof start>;
  let url: string;
  let cwd: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cwd = mkdtempSync(join(tmpdir(), 'knewton-snippet-'));
    host = start(
      join(snippetsDir, folder, file),
      [],
      {
        PORT: String(port),
        KNEWTON_API_URL: simUrl,
        KNEWTON_API_KEY: credentials.key,
        KNEWTON_API_SECRET: credentials.secret,
        KNEWTON_SYSTEM_EXTERNAL_USER_ID: credentials.system,
        KNEWTON_PSEUDONYM_KEY: 'snippet-pseudonym-key-0123456789abcdef-0123',
        ALLOWED_ORIGINS: appOrigin,
      },
      cwd,
    );
    await answered(`${url}/api/knewton/healthz`, host.child, host.log);
  });
  afterAll(async () => {
    // Still running (the SIGTERM test did not get to it): neither an exit code nor a signal yet.
    if (host && host.child.exitCode === null && host.child.signalCode === null) {
      host.child.kill('SIGKILL');
      await once(host.child, 'exit');
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  const ensure = (user: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/knewton/account`, {
      method: 'PUT',
      headers: {
        Origin: appOrigin,
        'X-CSRF': '1',
        ...(user === undefined ? {} : { Cookie: `demo_user=${user}` }),
        ...headers,
      },
    });

  it('ensures an account once: 201, then 200 with the same id, and GET reads it', async () => {
    const created = await ensure('ada');
    expect(created.status).toBe(201);
    const { accountId } = (await created.json()) as { accountId: string };
    expect(accountId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await ensure('ada');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { accountId: string }).accountId).toBe(accountId);
    const read = await fetch(`${url}/api/knewton/account`, {
      headers: { Cookie: 'demo_user=ada' },
    });
    expect(((await read.json()) as { accountId: string }).accountId).toBe(accountId);
  });

  it('answers the documented errors: 401 signed out, 403 without X-CSRF or from a foreign origin', async () => {
    const signedOut = await ensure(undefined);
    expect(signedOut.status).toBe(401);
    expect(((await signedOut.json()) as { error: { code: string } }).error.code).toBe(
      'unauthenticated',
    );
    expect((await ensure('grace', { 'X-CSRF': '' })).status).toBe(403);
    expect((await ensure('grace', { Origin: 'https://evil.example' })).status).toBe(403);
  });

  it('stops on SIGTERM', async () => {
    host.child.kill('SIGTERM');
    const [code] = (await once(host.child, 'exit')) as [number | null];
    expect(code === 0 || code === null).toBe(true);
  });
});
