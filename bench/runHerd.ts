/**
 * `pnpm bench:herd [users...]` (default 2000): the day-one herd rows alone, printed as a Markdown table.
 * `bench/run.ts` can call `runHerdBenchmark` and `renderHerdRows` to put the same rows in BENCHMARKS.md.
 */
import { renderHerdRows, runHerdBenchmark } from './herdBenchmark.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const results = [];
for (const users of sizes.length > 0 ? sizes : [2000]) {
  results.push(
    await runHerdBenchmark({
      users,
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
process.exit(0);
