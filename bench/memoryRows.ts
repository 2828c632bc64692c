/**
 * The memory section of BENCHMARKS.md: the example BFF (`apps/bff/src/main.ts`, as `pnpm bff` starts it)
 * idle on a fresh and on an existing PGlite folder and on PostgreSQL, and at its peak through a herd of
 * 2,000 new users on each store. Goals: idle ≤ 300 MiB, peak ≤ 450 MiB (resident memory, /proc).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bffEnvironment, generateBffSecrets } from '../chaos/src/bffEnvironment.js';
import { spawnBff } from '../chaos/src/spawnBff.js';
import { createTestDatabase } from '../chaos/src/testDatabase.js';
import { type HerdResult, runHerdBenchmark } from './herdBenchmark.js';
import { startSimProcess } from './startSimProcess.js';

/** How long the BFF idles before its memory is read: V8 shrinks its heap once the process is quiet. */
const idleMs = 30_000;

interface IdleRow {
  store: string;
  /** VmRSS 5 s after the listening line, and after `idleMs`. */
  rssAt5sMiB: number;
  rssIdleMiB: number;
  /** VmHWM: the peak since the process started (start-up included). */
  peakMiB: number;
  load: number;
}

async function memoryMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function idleRows(
  databaseUrl: string | undefined,
  log: (line: string) => void,
): Promise<IdleRow[]> {
  const sim = await startSimProcess();
  const dataDir = await mkdtemp(join(tmpdir(), 'kk-memory-'));
  const database = databaseUrl === undefined ? undefined : await createTestDatabase(databaseUrl);
  const secrets = generateBffSecrets();
  const rows: IdleRow[] = [];
  try {
    const runs: Array<[string, { dataDir: string } | { databaseUrl: string }]> = [
      ['PGlite, fresh `DATA_DIR` (initdb on this start)', { dataDir }],
      ['PGlite, existing `DATA_DIR`', { dataDir }],
    ];
    if (database !== undefined) runs.push(['PostgreSQL', { databaseUrl: database.url }]);
    for (const [store, where] of runs) {
      log(`memory: idle BFF, ${store}...`);
      const bff = await spawnBff(
        { ...bffEnvironment({ url: sim.url, sim }, secrets, where), LOG_LEVEL: 'warn' },
        { label: 'memory' },
      );
      try {
        await sleep(5_000);
        const rssAt5sMiB = await memoryMiB(bff.pid, 'VmRSS');
        await sleep(idleMs - 5_000);
        rows.push({
          store,
          rssAt5sMiB,
          rssIdleMiB: await memoryMiB(bff.pid, 'VmRSS'),
          peakMiB: await memoryMiB(bff.pid, 'VmHWM'),
          load: loadavg()[0] ?? 0,
        });
      } finally {
        await bff.stop();
      }
    }
  } finally {
    await sim.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const mib = (n: number) => `${n.toFixed(0)} MiB`;
const goal = (value: number, bound: number) =>
  value <= bound
    ? `≤ ${bound}: met`
    : `≤ ${bound}: **missed** by ${(value - bound).toFixed(0)} MiB`;

/**
 * Runs the idle rows, and a 2,000-user herd on PostgreSQL beside `pgliteHerd` (the herd section's own
 * 2,000 at once, when it ran) for the peaks.
 */
export async function memorySection(options: {
  databaseUrl: string | undefined;
  pgliteHerd: HerdResult | undefined;
  log: (line: string) => void;
}): Promise<string> {
  const { databaseUrl, log } = options;
  const idle = await idleRows(databaseUrl, log);
  const pgliteHerd = options.pgliteHerd ?? (await runHerdBenchmark({ users: 2_000, log }));
  const postgresHerd =
    databaseUrl === undefined
      ? undefined
      : await runHerdBenchmark({ users: 2_000, databaseUrl, log });
  const herdRow = (store: string, r: HerdResult) =>
    `| ${store}, through a herd of ${r.users.toLocaleString('en-US')} new users at once | ${mib(r.rssAtStartMiB)} at the herd's start | ${mib(r.herdPeakRssMiB)} most sampled during it, ${mib(r.peakRssMiB)} VmHWM | ${goal(r.peakRssMiB, 450)} | ${r.load.before.toFixed(2)} |`;
  return `## Memory: the example BFF's resident memory

The example BFF started as \`pnpm bff\` starts it (\`node --import tsx apps/bff/src/main.ts\`, \`LOG_LEVEL=warn\`),
the simulator as its own process; resident memory read from \`/proc/<pid>/status\` (\`VmRSS\` now, \`VmHWM\` the
peak since start). Idle: nothing sent to it; read 5 s after it listened and after ${idleMs / 1000} s, when V8
has shrunk its heap (the figure the goal is read on). A fresh PGlite folder is initialised (initdb) in a
short-lived child process, which peaks at about 800 MiB on its own and exits before the BFF listens; it is
not in these figures.

| store | RSS 5 s after start | RSS idle (${idleMs / 1000} s) | peak (VmHWM) | goal: idle ≤ 300 MiB | load |
|---|---|---|---|---|---|
${idle.map((r) => `| ${r.store} | ${mib(r.rssAt5sMiB)} | ${mib(r.rssIdleMiB)} | ${mib(r.peakMiB)} | ${goal(r.rssIdleMiB, 300)} | ${r.load.toFixed(2)} |`).join('\n')}

| store | RSS at start | peak | goal: peak ≤ 450 MiB | load |
|---|---|---|---|---|
${herdRow('PGlite', pgliteHerd)}
${postgresHerd ? herdRow('PostgreSQL', postgresHerd) : '| PostgreSQL | – | – | not run: no `BENCH_DATABASE_URL` / `TEST_DATABASE_URL` | – |'}
`;
}
