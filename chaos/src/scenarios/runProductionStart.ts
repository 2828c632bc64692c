import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { AnswerLedger } from '../AnswerLedger.js';
import { bffEnvironment } from '../bffEnvironment.js';
import { openHarness } from '../openHarness.js';
import { repoRoot } from '../repoRoot.js';
import { sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';

/** What `NODE_ENV=production` requires (no simulator, no generated secret, no dev origin). */
const required = [
  'KNEWTON_API_URL',
  'KNEWTON_API_KEY',
  'KNEWTON_API_SECRET',
  'KNEWTON_SYSTEM_EXTERNAL_USER_ID',
  'KNEWTON_PSEUDONYM_KEY',
  'SESSION_SECRET',
  'ALLOWED_ORIGINS',
] as const;

interface StartCase {
  label: string;
  env: Record<string, string>;
  /** The variables the refusal must name, one line each, in this order. */
  expect: readonly string[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `apps/bff/src/main.ts` and, until it exits, keeps trying to connect to its port. */
async function startAndWatch(env: Record<string, string>, root: string) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', 'apps/bff/src/main.ts'],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  let accepted = 0;
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  while (alive) {
    accepted += await new Promise<number>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(1);
      });
      socket.once('error', () => resolve(0));
    });
    await sleep(50);
  }
  clearTimeout(timeout);
  return { code: await exited, stdout, stderr, accepted };
}

/**
 * Production start-up: `NODE_ENV=production pnpm bff` with each required setting missing in turn, with
 * all of them missing, and with a development origin. Every start must be refused (exit 1) with exactly one
 * `Configuration error:` line per problem naming its variable, print no secret value and nothing on
 * stdout (no simulator, no generated secrets), and never accept a connection on its port.
 * `CHAOS_BFF_ROOT` runs the same starts from another checkout (an older version, for a baseline row).
 */
export async function runProductionStart(): Promise<ScenarioResult> {
  // As in the slow-loris scenario: another checkout's apps/bff, for a baseline row.
  const root = process.env.CHAOS_BFF_ROOT || undefined;
  const harness = await openHarness();
  const failures: string[] = [];
  const figures: string[] = [];
  const answers: Record<string, number> = {};
  const started = Date.now();
  try {
    const dataDir = await harness.tempDir();
    const complete = bffEnvironment(harness.sim, harness.secrets, { dataDir });
    const secretValues = [
      complete.KNEWTON_API_SECRET,
      complete.KNEWTON_PSEUDONYM_KEY,
      complete.SESSION_SECRET,
    ] as string[];
    const cases: StartCase[] = [
      ...required.map((name) => ({
        label: `without ${name}`,
        env: { ...complete, [name]: '' },
        expect: [name],
      })),
      {
        label: 'with nothing but NODE_ENV=production',
        env: { NODE_ENV: 'production', DATA_DIR: dataDir },
        expect: required,
      },
      {
        label: 'with ALLOWED_ORIGINS=http://localhost:5173',
        env: { ...complete, ALLOWED_ORIGINS: 'http://localhost:5173' },
        expect: ['ALLOWED_ORIGINS'],
      },
    ];
    for (const startCase of cases) {
      const { code, stdout, stderr, accepted } = await startAndWatch(
        startCase.env,
        root ?? repoRoot,
      );
      const lines = stderr.trim().split('\n').filter(Boolean);
      const problems: string[] = [];
      if (code !== 1) problems.push(`exit code ${code}`);
      if (accepted > 0) problems.push(`accepted ${accepted} connections`);
      // One line of it, so the figure stays one line in RELIABILITY.md.
      if (stdout !== '')
        problems.push(`printed on stdout: ${stdout.split('\n')[0]?.slice(0, 160)}`);
      if (lines.length !== startCase.expect.length)
        problems.push(`${lines.length} lines on stderr`);
      startCase.expect.forEach((name, i) => {
        if (!lines[i]?.startsWith(`Configuration error: ${name} `)) {
          problems.push(`line ${i + 1} does not name ${name}: ${lines[i] ?? '(none)'}`);
        }
      });
      if (secretValues.some((secret) => (stdout + stderr).includes(secret))) {
        problems.push('printed a secret value');
      }
      const key = problems.length === 0 ? 'refused (exit 1)' : 'wrong start-up';
      answers[key] = (answers[key] ?? 0) + 1;
      figures.push(
        problems.length === 0
          ? `${startCase.label}: refused, exit 1, ${lines.length} line${lines.length === 1 ? '' : 's'} (${startCase.expect.join(', ')}), nothing listening, nothing on stdout`
          : `${startCase.label}: ${problems.join('; ')}`,
      );
      if (problems.length > 0 && !root) failures.push(`${startCase.label}: ${problems.join('; ')}`);
    }
    return {
      id: 'production-start',
      title: root
        ? `Production start-up without its settings (baseline: ${root})`
        : 'Production start-up without its settings',
      store: '–',
      processes: cases.length,
      users: 0,
      requests: cases.length,
      concurrency: 1,
      durationMs: Date.now() - started,
      answers,
      faults: [`${cases.length} starts of NODE_ENV=production pnpm bff, each missing settings`],
      platform: harness.platformSummary(),
      figures,
      // No ensure is ever sent: the ledger is empty, and the verdict only checks the platform saw nothing.
      anomalies: harness.verdict(new AnswerLedger(), []),
      failures,
    };
  } finally {
    await harness.close();
  }
}
