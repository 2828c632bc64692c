/**
 * `pnpm bench:herd [users...] [--benchmarks-md]` (default 2000): the day-one herd rows alone, printed as a
 * Markdown table; with `--benchmarks-md` the herd section of BENCHMARKS.md is replaced by them (the rest of
 * the file is left as it is). `pnpm bench` runs the same rows through `herdSection`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { renderHerdRows, runHerdBenchmark } from './herdBenchmark.js';
import { renderHerdSection } from './herdRows.js';

const args = process.argv.slice(2);
const sizes = args
  .filter((arg) => arg !== '--benchmarks-md')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const results = [];
for (const users of sizes.length > 0 ? sizes : [2000]) {
  results.push(
    await runHerdBenchmark({
      users,
      // HERD_SPREAD_S=<seconds>: the users arrive evenly over that long instead of all at once.
      arrivalSpreadMs: Number(process.env.HERD_SPREAD_S ?? 0) * 1000,
      log: (line) => process.stderr.write(`${line}\n`),
      // HERD_LOG_REQUESTS=1: also read the BFF's request log (how long its handler held each PUT).
      logRequests: process.env.HERD_LOG_REQUESTS === '1',
      // HERD_BFF_LOG=<file>: the BFF's warn and error lines; HERD_CPU_PROF=<dir>: a CPU profile of it.
      ...(process.env.HERD_BFF_LOG ? { bffLogFile: `${process.env.HERD_BFF_LOG}.${users}` } : {}),
      ...(process.env.HERD_CPU_PROF ? { cpuProfileDir: process.env.HERD_CPU_PROF } : {}),
      // HERD_TIMELINE=<file>: every PUT's answer time, hold and status as JSON lines.
      ...(process.env.HERD_TIMELINE
        ? { timelineFile: `${process.env.HERD_TIMELINE}.${users}` }
        : {}),
    }),
  );
}
process.stdout.write(`${renderHerdRows(results)}\n`);
if (args.includes('--benchmarks-md')) {
  const file = resolve(import.meta.dirname, '..', 'BENCHMARKS.md');
  const text = await readFile(file, 'utf8');
  const start = text.indexOf('## Day-one herd');
  const end = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  if (start < 0) throw new Error('BENCHMARKS.md has no "## Day-one herd" section to replace');
  const rest = end < 0 ? '' : text.slice(end + 1);
  await writeFile(file, `${text.slice(0, start)}${renderHerdSection(results)}\n${rest}`);
  process.stderr.write('BENCHMARKS.md: herd section replaced\n');
}
process.exit(0);
