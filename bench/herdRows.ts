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
  return renderHerdSection(results);
}

/** The section's Markdown for results measured already (`pnpm bench:herd --benchmarks-md` splices it in). */
export function renderHerdSection(results: HerdResult[]): string {
  return `## Day-one herd: new users who all ensure at the same moment

Measured from outside (\`bench/herdBenchmark.ts\`, alone: \`pnpm bench:herd 2000 20000\`), three processes: the
simulator with its documented limits (\`pnpm sim\`), the example BFF (\`apps/bff/src/main.ts\`, PGlite in a
fresh folder), and the users, all signed in first, then every user's first \`PUT\` sent at once over 512
keep-alive connections (a proxy's pool in front of the BFF), each user then behaving like the browser kit (a
202 \`queued\` or a 503 is asked again after its \`Retry-After\`). The ceiling is the platform's documented one
for one token: 90 batches of 50 and 750 single creates a minute, 5,250 accounts a minute. "Longest request
held" is the longest single HTTP request, from when it was written to its connection to its answer (goal
about 5 s: the BFF answers 202 at 4.5 s); "user wait" is each user's wall-clock from its first \`PUT\` to the
answer with its account, \`Retry-After\` waits included. BFF CPU is user + system seconds while the herd
ensured. Every figure here depends on the machine's load: it is in the last column.

${renderHerdRows(results)}
`;
}
