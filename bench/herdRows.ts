/**
 * The day-one herd section of BENCHMARKS.md: herds of 2,000 and 20,000 new users (`BENCH_HERD_USERS`)
 * against the example BFF as a process, one after the other in the same run as the other rows.
 */
import { envIntList } from './benchSelection.js';
import { type HerdResult, renderHerdRows, runHerdBenchmark } from './herdBenchmark.js';

export async function herdSection(log: (line: string) => void): Promise<string> {
  const results: HerdResult[] = [];
  for (const users of envIntList('BENCH_HERD_USERS', [2_000, 20_000])) {
    results.push(await runHerdBenchmark({ users, log }));
  }
  return `## Day-one herd: new users who all ensure at the same moment

Measured from outside (\`bench/herdBenchmark.ts\`, alone: \`pnpm bench:herd 2000 20000\`): the example BFF as a
process (\`apps/bff/src/main.ts\`, PGlite in a fresh folder), the simulator with its documented limits served
from the benchmark process, and every user's first \`PUT\` sent at once from the benchmark process, each user
then behaving like the browser kit (a 202 \`queued\` or a 503 is asked again after its \`Retry-After\`). The
ceiling is the platform's documented one for one token: 90 batches of 50 and 750 single creates a minute,
5,250 accounts a minute. "Longest request held" is the longest single HTTP request any user waited for
(goal about 5 s: beyond it the BFF answers 202). Peak RSS is the BFF process's VmHWM.

${renderHerdRows(results)}
`;
}
