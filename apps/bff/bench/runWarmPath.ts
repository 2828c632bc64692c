/**
 * The warm-path row alone (`pnpm bench:warm`): the same measurement `pnpm bench` makes (`warmPathWrk.ts`),
 * without the create, herd, backfill and learning rows, for iterating on the warm path. Prints each round
 * and the ratios to bare; writes nothing to BENCHMARKS.md. `BENCH_WARM_USERS`, `BENCH_ROUNDS`,
 * `BENCH_ROUND_SECONDS` as for `pnpm bench`; `BENCH_CPU_PROF=<dir>` writes CPU profiles of all three servers.
 */
import { readFile } from 'node:fs/promises';
import { warmOptionsFromEnv, warmPathWrk } from './warmPathWrk.js';

const loadBefore = (await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim();
const result = await warmPathWrk({ ...warmOptionsFromEnv(), log: (line) => console.log(line) });
const loadAfter = (await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim();
const percent = (value: number) => `${(value * 100).toFixed(0)}%`;
const perRound = (side: typeof result.library) =>
  side.rounds
    .map((round, i) =>
      percent(round.requestsPerSecond / (result.bare.rounds[i]?.requestsPerSecond ?? Number.NaN)),
    )
    .join(' ');
console.log(`load average before: ${loadBefore}; after: ${loadAfter}`);
console.log(
  `best req/s: example BFF ${result.exampleBff.best.toFixed(0)}, library ${result.library.best.toFixed(0)}, bare ${result.bare.best.toFixed(0)}`,
);
console.log(
  `best/best: example ${percent(result.exampleBff.best / result.bare.best)}, library ${percent(result.library.best / result.bare.best)}`,
);
console.log(
  `per round: example ${perRound(result.exampleBff)}; library ${perRound(result.library)}`,
);
const cpuRatio = (side: typeof result.library) =>
  side.rounds
    .map((round, i) => {
      const bare = result.bare.rounds[i]?.cpuUsPerRequest;
      return round.cpuUsPerRequest === undefined || bare === undefined
        ? '?'
        : `${round.cpuUsPerRequest.toFixed(1)}µs=${percent(bare / round.cpuUsPerRequest)}`;
    })
    .join(' ');
console.log(
  `CPU per request (bare's share): example ${cpuRatio(result.exampleBff)}; library ${cpuRatio(result.library)}; bare ${result.bare.rounds.map((r) => r.cpuUsPerRequest?.toFixed(1)).join(' ')}µs`,
);
console.log(`example log lines in the measured rounds: ${result.exampleLogLines}`);
