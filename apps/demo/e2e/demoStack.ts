import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './freePort.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface SimStats {
  accounts: number;
  calls: Record<string, number>;
  /** Learning events the platform accepted (each event of a batch once). */
  events?: number;
}

/** `pnpm dev` running in a child process, on free ports and a fresh data folder. */
export interface DemoStack {
  /** The page to open, e.g. `http://127.0.0.1:41234/`. */
  appUrl: string;
  /** The in-process simulator's base URL, as printed by `pnpm dev`. */
  simUrl: string;
  /** `GET /__sim/stats` of the simulator. */
  simStats(): Promise<SimStats>;
  /** Secret values the server holds that the browser must never see. */
  secrets: readonly string[];
  /** The pseudonymous external id the BFF sends the platform for an app user (`base64url(HMAC-SHA256(key, "v1:" + userId))`). */
  externalIdOf(userId: string): string;
  /** Everything the command printed so far. */
  output(): string;
  /**
   * Sends SIGINT, as Ctrl-C does, and resolves with the exit code once the process has exited and
   * none of its ports answers any more.
   */
  close(): Promise<number | null>;
}

/** Bounded: start-up includes PGlite's initdb and Vite's dependency scan on a busy 2-core machine. */
const startTimeoutMs = 120_000;
const stopTimeoutMs = 30_000;

/**
 * Starts the real `pnpm dev` (scripts/dev.ts) exactly as a developer does, except for free ports, a
 * temporary `DATA_DIR` and known secrets, so the tests can search the browser's traffic for them.
 */
export async function startDemoStack(): Promise<DemoStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'knewton-demo-e2e-'));
  const demoPort = await freePort();
  const pseudonymKey = randomBytes(48).toString('base64');
  const sessionSecret = randomBytes(48).toString('base64');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: '0',
    DEMO_PORT: String(demoPort),
    DEMO_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    KNEWTON_PSEUDONYM_KEY: pseudonymKey,
    SESSION_SECRET: sessionSecret,
    LOG_LEVEL: 'warn',
  };
  for (const name of [
    'KNEWTON_API_URL',
    'DATABASE_URL',
    'ALLOWED_ORIGINS',
    'VITEST',
    'VITEST_WORKER_ID',
  ]) {
    delete env[name];
  }

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', 'scripts/dev.ts'],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  try {
    const { appUrl, simUrl } = await readUrls(child, exited, (line) => {
      output += `${line}\n`;
    });
    return {
      appUrl,
      simUrl,
      async simStats() {
        const response = await fetch(`${simUrl}/__sim/stats`);
        return (await response.json()) as SimStats;
      },
      secrets: [pseudonymKey, sessionSecret, 'sim-api-secret', 'sim-api-key'],
      externalIdOf: (userId) =>
        createHmac('sha256', pseudonymKey).update(`v1:${userId}`).digest('base64url'),
      output: () => output,
      async close() {
        const code = await stop(child, exited);
        await Promise.all([appUrl, simUrl].map(expectClosed));
        rmSync(dataDir, { recursive: true, force: true });
        return code;
      },
    };
  } catch (error) {
    await stop(child, exited);
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`pnpm dev did not start: ${(error as Error).message}\n${output}`);
  }
}

function readUrls(
  child: ChildProcess,
  exited: Promise<number | null>,
  onLine: (line: string) => void,
): Promise<{ appUrl: string; simUrl: string }> {
  return new Promise((resolve, reject) => {
    let simUrl: string | undefined;
    let appUrl: string | undefined;
    const timer = setTimeout(
      () => reject(new Error(`no URL after ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    void exited.then((code) => reject(new Error(`exited with ${code} before printing its URLs`)));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      onLine(line);
      simUrl ??= /Simulator\s+(http:\/\/\S+)/.exec(line)?.[1];
      appUrl ??= /Open\s+(http:\/\/\S+)/.exec(line)?.[1];
      if (/Press Ctrl-C/.test(line)) {
        clearTimeout(timer);
        if (appUrl && simUrl) resolve({ appUrl, simUrl });
        else reject(new Error('did not print both the app and the simulator URL'));
      }
    });
  });
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), stopTimeoutMs),
  );
  const result = await Promise.race([exited, timeout]);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(`pnpm dev did not stop within ${stopTimeoutMs} ms of SIGINT`);
  }
  return result;
}

/** Resolves once nothing accepts connections at the URL's port any more. */
function expectClosed(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error(`${url} still accepts connections after pnpm dev exited`));
    });
    socket.once('error', () => resolve());
  });
}
