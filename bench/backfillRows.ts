/**
 * The backfill section of BENCHMARKS.md: `pnpm backfill` of 50,000 users (`BENCH_BACKFILL_USERS`) as a
 * process, once whole and once killed with SIGKILL halfway and rerun, in the same run as the other rows.
 */
import { renderBackfillRows, runBackfillBenchmark } from './backfillBenchmark.js';
import { envIntList } from './benchSelection.js';

export async function backfillSection(log: (line: string) => void): Promise<string> {
  const [users = 50_000] = envIntList('BENCH_BACKFILL_USERS', [50_000]);
  const result = await runBackfillBenchmark({ users, log });
  return `## Backfill: accounts for an existing user base

Measured from outside (\`bench/backfillBenchmark.ts\`, alone: \`pnpm bench:backfill ${users}\`): \`pnpm backfill
--users <file>\` as a process (PGlite in a fresh folder, the simulator with its documented limits served from
the benchmark process). "one run" backfills ${users.toLocaleString('en-US')} users; then another
${users.toLocaleString('en-US')} users are backfilled into a second folder, the process is killed with SIGKILL
once half of them have platform accounts, and the same command is run again (it skips done users and repairs
the creates whose answers the kill lost). Accounts per minute count every account the platform made during
the run, divided by the run's whole time, start-up included; goal: at least 90% of the documented ceiling
(5,250 a minute).

${renderBackfillRows(result)}
`;
}
