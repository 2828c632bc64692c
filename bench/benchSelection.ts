/**
 * Which optional sections `pnpm bench` runs. The herd and backfill rows take about 25 minutes (a herd of
 * 20,000 and two backfills of 50,000 at the platform's ceiling), so a quick run can leave them out:
 * `BENCH_SKIP=herd,backfill pnpm bench` (`learning`, `sweep` (the warm path at 1,000 to 100,000 users),
 * `outage` and `memory` leave out those rows). The default runs everything.
 */
export type OptionalSection = 'herd' | 'backfill' | 'learning' | 'sweep' | 'outage' | 'memory';

const known: readonly OptionalSection[] = [
  'herd',
  'backfill',
  'learning',
  'sweep',
  'outage',
  'memory',
];

export function skippedSections(env: NodeJS.ProcessEnv = process.env): Set<OptionalSection> {
  const raw = env.BENCH_SKIP?.trim();
  if (!raw) return new Set();
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!known.includes(name as OptionalSection))
      throw new Error(`BENCH_SKIP: unknown section \`${name}\`; choose from ${known.join(', ')}`);
  }
  return new Set(names as OptionalSection[]);
}

/** A positive integer list from the environment, e.g. `BENCH_SWEEP_USERS=1000,12000`. */
export function envIntList(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value <= 0))
    throw new Error(`${name} must be positive integers separated by commas`);
  return values;
}
