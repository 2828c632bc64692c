/**
 * `pnpm bench`: runs the BFF benchmarks (and the simulator's own, when present) and writes BENCHMARKS.md.
 * Not a test: the figures depend on the machine and its load, and goals are reported, not asserted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
// The benchmark code lives in apps/bff, whose dependencies it needs; the root has none of its own.
import { runBffBenchmarks } from '../apps/bff/bench/bffBench.js';

const root = resolve(import.meta.dirname, '..');
const simBench = resolve(root, 'packages/platform-sim/bench/accountCreations.ts');
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const pct = (n: number) => `${Math.round(n * 100)}%`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

const log = (line: string) => process.stderr.write(`${line}\n`);
const loadBefore = loadavg()[0] ?? 0;

const { warm, creates } = await runBffBenchmarks({ databaseUrl, log });

let simTable = '_`packages/platform-sim/bench/accountCreations.ts` not found; skipped._';
if (existsSync(simBench)) {
  log('simulator benchmark...');
  simTable = execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', simBench], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 120_000,
  }).trim();
}

const cpu = cpus();
const machine = `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Linux ${release()}, Node ${process.version}; 1-minute load average ${loadBefore.toFixed(2)} at start (the machine is shared)`;

const inRatio = warm.inProcess.bff / warm.inProcess.bare;
const httpRatio = warm.http.bff / warm.http.bare;

const markdown = `# Benchmarks

Written by \`pnpm bench\` (\`bench/run.ts\`) on ${new Date().toISOString()}. Re-run it to refresh; the figures
depend on the machine and on whatever else runs on it.

**Machine:** ${machine}.

## Warm path: \`PUT /api/knewton/account\` for users who already have an account

The real BFF (\`createKnewtonBff\`: request id, log, secure headers, CSRF and Origin check, body check,
\`authenticate\`, per-user rate limiter, provisioner cache) next to a bare Hono route answering the same JSON,
in the same run: 5 rounds of 2 s per side, alternating, after a warm-up; 200 users cycling. "BFF / bare" compares
the best rounds; the last column shows how far single rounds spread.

| transport | real BFF (req/s) | bare Hono route (req/s) | BFF / bare | goal ≥ 70% | per-round BFF / bare |
|---|---|---|---|---|---|
| in-process \`fetch\` handler, 16 in flight | ${int(warm.inProcess.bff)} | ${int(warm.inProcess.bare)} | ${pct(inRatio)} | ${verdict(inRatio >= 0.7)} | ${pct(warm.inProcess.roundRatios.min)}–${pct(warm.inProcess.roundRatios.max)} |
| loopback HTTP (@hono/node-server, Node \`fetch\` client, 32 in flight) | ${int(warm.http.bff)} | ${int(warm.http.bare)} | ${pct(httpRatio)} | ${verdict(httpRatio >= 0.7)} | ${pct(warm.http.roundRatios.min)}–${pct(warm.http.roundRatios.max)} |

The real BFF's answers carry about a dozen more headers than the bare route's (security headers, CORS,
\`X-Request-Id\`, \`Cache-Control\`); setting them is a large part of the in-process difference (measured by adding the middleware one at a time).

## Create path: latency the BFF adds over the simulator's own

Sequential \`PUT\`s for new users through the fetch handler, simulator in-process. "Platform" is the time spent
inside the simulator's handler for that request (token and \`POST /v0/accounts\`); "added" is the rest:
routing and checks, the HMAC external id, the store's per-user lock, the reads and the insert. "Provisioner
alone" repeats the creates through \`provisioner.ensureAccount\` without HTTP, which separates the store's share
from the HTTP layer's.

| store | samples | total p50 / p99 (ms) | platform p50 / p99 (ms) | added p50 / p99 (ms) | of which provisioner alone p50 / p99 (ms) | goal: added p50 ≤ 2 ms |
|---|---|---|---|---|---|---|
${creates
  .map(
    (c) =>
      `| ${c.store} | ${c.samples} | ${ms(c.total.p50)} / ${ms(c.total.p99)} | ${ms(c.platform.p50)} / ${ms(c.platform.p99)} | ${ms(c.added.p50)} / ${ms(c.added.p99)} | ${ms(c.provisionerAdded.p50)} / ${ms(c.provisionerAdded.p99)} | ${verdict(c.added.p50 <= 2)} |`,
  )
  .join('\n')}
${databaseUrl ? '' : '\n_PostgreSQL row skipped: `BENCH_DATABASE_URL` / `TEST_DATABASE_URL` not set._\n'}
## Reading these figures

- The machine is a shared 2-core VM on which other work ran at the same time (load average above); absolute
  figures move by a factor of 2–3 between runs. The side-by-side ratios are measured in one run, alternating
  the two sides, and are the figures to compare against the goals.
- The benchmarks use the default \`silentLogger\`. With \`createJsonLogger()\` each request also pays one
  \`JSON.stringify\` and one write to stdout.
- Create path: "provisioner alone" is the store (per-user lock, lookup, insert) plus the HMAC; "added" minus
  "provisioner alone" is roughly the HTTP layer's share. The two are measured in separate loops one after the
  other, so on a loaded machine their difference is partly noise.

## Simulator (\`packages/platform-sim/bench/accountCreations.ts\`)

${simTable}
`;

await writeFile(resolve(root, 'BENCHMARKS.md'), markdown);
process.stdout.write(markdown);
