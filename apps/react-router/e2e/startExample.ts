import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningExample {
  url: string;
  /** A signed session cookie value for `userId`, as the example's sign-in would set it. */
  sessionFor(userId: string): string;
  /** Everything the server printed, to show when a check fails. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`exited ${child.exitCode} before answering ${url}:\n${log()}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no answer from ${url} within 90 s:\n${log()}`);
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface StartExampleOptions {
  /** `postgres://...`: the example's PostgreSQL store; unset: PGlite in a fresh folder. */
  databaseUrl?: string;
}

/** The simulator (its CLI from the tarball) and `react-router-serve` of the built app, on free ports. */
export async function startExample(options: StartExampleOptions = {}): Promise<RunningExample> {
  const [simPort, appPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'knewton-next-'));
  const credentials = {
    apiKey: 'next-example-key',
    apiSecret: `secret-${randomBytes(8).toString('hex')}`,
  };
  const systemId = 'next-example-system';
  let log = '';
  const sim = spawn(
    process.execPath,
    [
      'node_modules/@knewton-kit/platform-sim/dist/cli.js',
      ['--port', String(simPort)],
      ['--api-key', credentials.apiKey, '--api-secret', credentials.apiSecret],
      ['--system-external-user-id', systemId],
    ].flat(),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  sim.stdout?.on('data', (chunk) => {
    log += `[sim] ${chunk}`;
  });
  sim.stderr?.on('data', (chunk) => {
    log += `[sim] ${chunk}`;
  });
  const sessionSecret = randomBytes(32).toString('hex');
  const url = `http://127.0.0.1:${appPort}`;
  const next = spawn(
    process.execPath,
    ['node_modules/@react-router/serve/bin.js', './build/server/index.js'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(appPort),
        HOST: '127.0.0.1',
        KNEWTON_API_URL: `http://127.0.0.1:${simPort}`,
        KNEWTON_API_KEY: credentials.apiKey,
        KNEWTON_API_SECRET: credentials.apiSecret,
        KNEWTON_SYSTEM_EXTERNAL_USER_ID: systemId,
        KNEWTON_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
        SESSION_SECRET: sessionSecret,
        ALLOWED_ORIGINS: url,
        DATA_DIR: dataDir,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      },
    },
  );
  next.stdout?.on('data', (chunk) => {
    log += `[app] ${chunk}`;
  });
  next.stderr?.on('data', (chunk) => {
    log += `[app] ${chunk}`;
  });
  const stop = async () => {
    await Promise.all([stopped(next), stopped(sim)]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`http://127.0.0.1:${simPort}/__sim/stats`, sim, () => log);
    await waitFor(`${url}/api/knewton/healthz`, next, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    // The same signing as server/session.ts, done here so the checks need no sign-in round trip.
    sessionFor: (userId) =>
      `${encodeURIComponent(userId)}.${createHmac('sha256', sessionSecret).update(userId).digest('base64url')}`,
    output: () => log,
    stop,
  };
}
