/**
 * `pnpm backfill` measured from outside: the command as a process (PGlite in a temp folder), the simulator
 * with its documented limits served from this process. One full run of N users, then a second folder where
 * the run is killed with SIGKILL halfway and rerun. Reported, never asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bffEnvironment, generateBffSecrets } from '../chaos/src/bffEnvironment.js';
import { startCountingSim } from '../chaos/src/startCountingSim.js';

const repoRoot = resolve(import.meta.dirname, '..');
const ceilingPerMinute = 5_250;

export interface BackfillRun {
  label: string;
  users: number;
  /** Accounts the platform made during the run, per minute of the run (start-up included). */
  accountsPerMinute: number;
  seconds: number;
  summary: string;
  exit: number | string;
}

export interface BackfillResult {
  users: number;
  runs: BackfillRun[];
  provoked429: number;
  /** The provoked 429s by route and limit, e.g. `{"POST /v0/oauth/token ip-limited": 1}`. */
  provokedBy: Record<string, number>;
  duplicates: number;
  /** Users of both runs left without a platform account (a `failed` user the last rerun did not retry). */
  withoutAccount: number;
  ceilingPerMinute: number;
}

function spawnBackfill(env: Record<string, string>, file: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      'apps/bff/src/backfill/backfillMain.ts',
      '--users',
      file,
    ],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

async function timedRun(
  label: string,
  users: number,
  child: ChildProcess,
  accounts: () => number,
  killAt?: number,
): Promise<BackfillRun> {
  const before = accounts();
  const startedAt = Date.now();
  let stdout = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.resume();
  let killer: ReturnType<typeof setInterval> | undefined;
  if (killAt !== undefined) {
    killer = setInterval(() => {
      if (accounts() >= killAt) child.kill('SIGKILL');
    }, 20);
  }
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearInterval(killer);
  const seconds = (Date.now() - startedAt) / 1000;
  return {
    label,
    users,
    seconds,
    accountsPerMinute: ((accounts() - before) / seconds) * 60,
    summary: stdout.trim().split('\n').at(-1) ?? '',
    exit: code ?? signal ?? 'unknown',
  };
}

export async function runBackfillBenchmark(options: {
  users: number;
  log?: (line: string) => void;
}): Promise<BackfillResult> {
  const log = options.log ?? (() => {});
  const sim = await startCountingSim();
  const secrets = generateBffSecrets();
  const dirs: string[] = [];
  try {
    const folder = async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kk-backfill-bench-'));
      dirs.push(dir);
      return dir;
    };
    const accounts = () => sim.sim.stats().accounts;
    const distinctExternalIds = () =>
      new Set(
        sim.sim
          .accounts()
          .accounts.filter((account) => account.externalUserId !== sim.sim.systemExternalUserId)
          .map((account) => account.externalUserId),
      ).size;
    const runs: BackfillRun[] = [];
    const users = Array.from({ length: options.users }, (_, i) => `backfill-user-${i}`);

    const whole = await folder();
    const wholeFile = join(whole, 'users.txt');
    await writeFile(wholeFile, `${users.join('\n')}\n`);
    log(`backfill: ${users.length} users in one run...`);
    runs.push(
      await timedRun(
        'one run',
        users.length,
        spawnBackfill(bffEnvironment(sim, secrets, { dataDir: whole }), wholeFile),
        accounts,
      ),
    );

    // A second user base (other ids), killed halfway, then rerun on the same folder.
    const crashed = await folder();
    const crashedFile = join(crashed, 'users.txt');
    const others = users.map((user) => `${user}-b`);
    await writeFile(crashedFile, `${others.join('\n')}\n`);
    const env = bffEnvironment(sim, secrets, { dataDir: crashed });
    const halfway = accounts() + Math.floor(others.length / 2);
    log(`backfill: ${others.length} users, kill -9 at half...`);
    runs.push(
      await timedRun(
        'killed halfway',
        others.length,
        spawnBackfill(env, crashedFile),
        accounts,
        halfway,
      ),
    );
    log('backfill: rerun after the kill...');
    runs.push(await timedRun('rerun', others.length, spawnBackfill(env, crashedFile), accounts));

    return {
      users: options.users,
      runs,
      provoked429: sim.tally.provoked429,
      provokedBy: Object.fromEntries(sim.tally.provokedBy),
      // By external id, so a user left without an account does not hide a duplicate of another one.
      duplicates: accounts() - distinctExternalIds(),
      withoutAccount: 2 * options.users - distinctExternalIds(),
      ceilingPerMinute,
    };
  } finally {
    await sim.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

export function renderBackfillRows(result: BackfillResult): string {
  const lines = [
    `| backfill of ${result.users.toLocaleString('en-US')} users | seconds | accounts/min (vs ceiling ${result.ceilingPerMinute.toLocaleString('en-US')}, goal ≥ 90%) | exit | summary |`,
    '|---|---|---|---|---|',
  ];
  for (const run of result.runs) {
    lines.push(
      `| ${run.label} | ${run.seconds.toFixed(0)} | ${Math.round(run.accountsPerMinute).toLocaleString('en-US')} (${Math.round((run.accountsPerMinute / result.ceilingPerMinute) * 100)}%) | ${run.exit} | ${run.summary.replace(/\|/g, '/')} |`,
    );
  }
  lines.push(
    `| all runs | | BFF-provoked 429s: ${result.provoked429} (goal 0)${describeProvoked(result.provokedBy)} | | platform accounts beyond one per user: ${result.duplicates} (goal 0); users without one: ${result.withoutAccount} |`,
  );
  return lines.join('\n');
}

/** Which limit the provoked 429s hit, e.g. ` (POST /v0/oauth/token ip-limited ×1)`; empty when none. */
export function describeProvoked(provokedBy: Record<string, number>): string {
  const entries = Object.entries(provokedBy);
  if (entries.length === 0) return '';
  return ` (${entries.map(([limit, count]) => `${limit} ×${count}`).join(', ')})`;
}
