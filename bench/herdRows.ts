/**
 * The day-one herd section of BENCHMARKS.md: herds at several arrival shapes against the example BFF as a
 * process, one after the other in the same run as the other rows. `BENCH_HERD_SHAPES=2000@0,3000@20`
 * (users@seconds of arrival spread) chooses them; the default is 2,000 at once, 3,000 over 20 s and
 * 10,000 over 60 s.
 */
import { type HerdResult, renderHerdRows, runHerdBenchmark } from './herdBenchmark.js';

export interface HerdShape {
  users: number;
  spreadS: number;
}

const defaultShapes: HerdShape[] = [
  { users: 2_000, spreadS: 0 },
  { users: 3_000, spreadS: 20 },
  { users: 10_000, spreadS: 60 },
];

/** `users@spreadSeconds` pairs from `BENCH_HERD_SHAPES`, or the default shapes. */
export function herdShapesFromEnv(env: NodeJS.ProcessEnv = process.env): HerdShape[] {
  const raw = env.BENCH_HERD_SHAPES?.trim();
  if (!raw) return defaultShapes;
  return raw.split(',').map((part) => {
    const [users, spreadS = '0'] = part.trim().split('@');
    const shape = { users: Number(users), spreadS: Number(spreadS) };
    if (!Number.isInteger(shape.users) || shape.users <= 0 || !(shape.spreadS >= 0))
      throw new Error('BENCH_HERD_SHAPES must be users@seconds pairs, e.g. 2000@0,3000@20');
    return shape;
  });
}

export async function herdSection(
  log: (line: string) => void,
): Promise<{ markdown: string; results: HerdResult[] }> {
  const results: HerdResult[] = [];
  for (const { users, spreadS } of herdShapesFromEnv()) {
    results.push(await runHerdBenchmark({ users, arrivalSpreadMs: spreadS * 1000, log }));
  }
  return { markdown: renderHerdSection(results), results };
}

/** The section's Markdown for results measured already (`pnpm bench:herd --benchmarks-md` splices it in). */
export function renderHerdSection(results: HerdResult[]): string {
  return `## Day-one herd: new users arriving at several shapes

Measured from outside (\`bench/herdBenchmark.ts\`, alone: \`HERD_SPREAD_S=20 pnpm bench:herd 3000\`), three processes: the
simulator with its documented limits (\`pnpm sim\`), the example BFF (\`apps/bff/src/main.ts\`, PGlite in a
fresh folder), and the users, all signed in first, then every user's first \`PUT\` sent at once, or evenly
over the spread, over 512 keep-alive connections (a proxy's pool in front of the BFF), each user then behaving like the browser kit (a
202 \`queued\` or a 503 is asked again after its \`Retry-After\`). The ceiling is the platform's documented one
for one token: 90 batches of 50 and 750 single creates a minute, 5,250 accounts a minute (87.5 a second).
The goal: every user answered with its account within 1.25× the ceiling's time (for a spread herd, its
arrival time or the ceiling's, whichever is longer), no request held over 5 s, 0 provoked 429s, 0
duplicates. "Longest request held" is the longest single HTTP request, from when it was written to its
connection to its answer (the BFF answers 202 at 4.5 s); "user wait" is each user's wall-clock from its first \`PUT\` to the
answer with its account, \`Retry-After\` waits included. BFF CPU is user + system seconds while the herd
ensured. Every figure here depends on the machine's load: it is in the last column.

${renderHerdRows(results)}
`;
}
