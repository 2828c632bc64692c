/**
 * `pnpm bench:backfill [users]` (default 50000): the backfill rows alone, printed as a Markdown table.
 * `bench/run.ts` can call `runBackfillBenchmark` and `renderBackfillRows` for BENCHMARKS.md.
 */
import { renderBackfillRows, runBackfillBenchmark } from './backfillBenchmark.js';

const users = Number(process.argv[2] ?? 50_000);
const result = await runBackfillBenchmark({
  users,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${renderBackfillRows(result)}\n`);
process.exit(0);
