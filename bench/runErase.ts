/**
 * `pnpm bench:erase [learners]` (default 10000): `pnpm erase` measured from outside, as a process
 * (PGlite in a temp folder) against the simulator with its documented limits, after `pnpm backfill` made
 * the learners' accounts. Prints one Markdown row: erasures a minute against the pace the client keeps
 * (`DELETE /v0/accounts/{id}` has no documented limit; the client assumes the create endpoint's 750 a
 * minute per token), the 429s the BFF provoked, and what is left on the platform. Reported, never asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bffEnvironment, generateBffSecrets } from '../chaos/src/bffEnvironment.js';
import { startCountingSim } from '../chaos/src/startCountingSim.js';
import { describeProvoked } from './backfillBenchmark.js';

const repoRoot = resolve(import.meta.dirname, '..');
const deletesPerMinute = 750;
const learners = Number(process.argv[2] ?? 10_000);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function run(entry: string, env: Record<string, string>, file: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', entry, '--users', file],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.resume();
  const startedAt = Date.now();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, seconds: (Date.now() - startedAt) / 1000, summary: stdout.trim() };
}

const sim = await startCountingSim();
const dir = await mkdtemp(join(tmpdir(), 'kk-erase-bench-'));
try {
  const env = bffEnvironment(sim, generateBffSecrets(), { dataDir: dir });
  const file = join(dir, 'users.txt');
  await writeFile(
    file,
    `${Array.from({ length: learners }, (_, i) => `erase-bench-${i}`).join('\n')}\n`,
  );
  log(`erase bench: backfilling ${learners} learners...`);
  const made = await run('apps/bff/src/backfill/backfillMain.ts', env, file);
  log(made.summary);
  const provokedBefore = sim.tally.provoked429;
  log(`erase bench: erasing ${learners} learners...`);
  const erased = await run('apps/bff/src/erase/eraseMain.ts', env, file);
  const deletes = sim.sim.stats().calls['DELETE /v0/accounts/{id}'] ?? 0;
  const perMinute = (deletes / erased.seconds) * 60;
  const active = sim.sim.stats().accounts;
  process.stdout.write(
    `| bulk erasure of ${learners.toLocaleString('en-US')} learners | ${erased.seconds.toFixed(0)} s | ${Math.round(perMinute).toLocaleString('en-US')} erasures/min (${Math.round((perMinute / deletesPerMinute) * 100)}% of the ${deletesPerMinute}/min pace, start-up included) | exit ${erased.code} | BFF-provoked 429s: ${sim.tally.provoked429 - provokedBefore}${describeProvoked(Object.fromEntries(sim.tally.provokedBy))}; accounts left active: ${active} | ${erased.summary.replace(/\|/g, '/')} |\n`,
  );
} finally {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
