/**
 * `pnpm bench:sweep [users...]` (default 1000 12000 100000): the warm-path sweep alone, printed as a
 * Markdown table. PostgreSQL rows need `BENCH_DATABASE_URL` or `TEST_DATABASE_URL`.
 */
import { renderSweepRows, warmPathSweep } from './warmPathSweep.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const rows = await warmPathSweep({
  sizes: sizes.length > 0 ? sizes : [1_000, 12_000, 100_000],
  databaseUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${renderSweepRows(rows)}\n`);
process.exit(0);
