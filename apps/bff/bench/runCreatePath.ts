/**
 * `pnpm bench:create`: only the create path rows of `pnpm bench` (PGlite, and PostgreSQL when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set), repeated BENCH_CREATE_RUNS times (default 3) so the
 * spread is visible; prints one line per run. For work on the create path, where the full bench is too long.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createPgliteStore, createPostgresStore } from '@knewton-kit/bff';
import { type CreatePathResult, createPath } from './bffBench.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const runs = Number(process.env.BENCH_CREATE_RUNS ?? 3);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error('BENCH_CREATE_RUNS must be a positive integer');

const profileDir = process.env.BENCH_CPU_PROF;

/**
 * With BENCH_CPU_PROF=<dir>: a CPU profile of one `createPath` run (the BFF's set-up, its warm-up and
 * both loops; store opening and migrations left out).
 */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!profileDir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    try {
      const { profile } = await session.post('Profiler.stop');
      await mkdir(profileDir, { recursive: true });
      await writeFile(
        join(profileDir, `${name}-${Date.now()}.cpuprofile`),
        JSON.stringify(profile),
      );
    } finally {
      session.disconnect();
    }
  }
}

const line = (r: CreatePathResult) =>
  `${r.store}: added p50 ${r.added.p50.toFixed(2)} ms p99 ${r.added.p99.toFixed(2)} ms; provisioner alone p50 ${r.provisionerAdded.p50.toFixed(2)} p99 ${r.provisionerAdded.p99.toFixed(2)}; platform p50 ${r.platform.p50.toFixed(2)}; added CPU ${Math.round(r.addedCpuMicros)} µs/create; total p50 ${r.total.p50.toFixed(2)} (${r.samples} samples, load ${loadavg()[0]?.toFixed(2)})`;

for (let run = 1; run <= runs; run++) {
  const pglite = await createPgliteStore();
  console.log(
    `run ${run} ${line(await profiled('pglite', () => createPath(pglite, 'PGlite')).finally(() => pglite.close()))}`,
  );
  if (databaseUrl) {
    const schema = `bench_create_${Date.now().toString(36)}`;
    const store = await createPostgresStore({ connectionString: databaseUrl, schema });
    try {
      console.log(
        `run ${run} ${line(await profiled('postgres', () => createPath(store, 'PostgreSQL')))}`,
      );
    } finally {
      await store.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await store.close();
    }
  }
}
