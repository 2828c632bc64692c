/**
 * The BFF's benchmarks, run by `pnpm bench` (the root `bench/run.ts`, which writes BENCHMARKS.md). They
 * live here because this package already depends on everything they drive:
 * - warm path: `PUT /api/knewton/account` for users who already have an account, driven by wrk in its own
 *   process against the example BFF process, the library alone and a bare Hono route (`warmPathWrk.ts`);
 * - create path: the latency a create adds on top of the simulator's own time (token + POST /accounts).
 * Every phase is bounded in time and count.
 */
import {
  type AccountStore,
  createAccountProvisioner,
  createKnewtonBff,
  createPgliteStore,
  createPostgresStore,
  type KnewtonBff,
} from '@knewton-kit/bff';
import { createPlatformSim } from '@knewton-kit/platform-sim';
import { type WarmPathOptions, type WarmPathWrkResult, warmPathWrk } from './warmPathWrk.js';

const CREATES = 300;
const CREATE_MAX_MS = 15_000;

export interface CreatePathResult {
  store: string;
  samples: number;
  total: { p50: number; p99: number };
  platform: { p50: number; p99: number };
  added: { p50: number; p99: number };
  /** The same creates through `provisioner.ensureAccount` directly: the store and HMAC share of "added". */
  provisionerAdded: { p50: number; p99: number };
  /**
   * CPU time of this process per create through HTTP, minus the CPU spent inside the simulator's handler
   * (microseconds, mean). Steadier than wall-clock on a loaded machine; on PostgreSQL it leaves out the
   * server's own work, which the wall-clock "added" includes.
   */
  addedCpuMicros: number;
}

type Sim = ReturnType<typeof createPlatformSim>;

/**
 * The real BFF over the simulator (in-process), authenticating by a bench cookie. The store stays open
 * after `bff.close()`: the caller owns it (and may drop its schema first).
 */
async function createBenchBff(
  store: AccountStore,
  sim: Sim,
  platformFetch: typeof fetch = (input, init) => sim.fetch(new Request(input, init)),
): Promise<KnewtonBff> {
  const provisioner = await createAccountProvisioner({
    platform: {
      baseUrl: 'http://sim.bench',
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      systemExternalUserId: sim.systemExternalUserId,
      fetch: platformFetch,
    },
    store,
    externalIds: { key: 'bench-pseudonym-key-0123456789abcdef' },
    closeStore: false,
  });
  const bff = await createKnewtonBff({
    authenticate: (request) => /bench_user=([^;]+)/.exec(request.headers.get('Cookie') ?? '')?.[1],
    provisioner,
    allowedOrigins: ['http://localhost:5173'],
    // The limiter stays in the path; the budget is out of reach so every request is answered.
    limits: { rateLimit: { requests: 1_000_000_000, windowMs: 1000 } },
  });
  return {
    ...bff,
    async close() {
      await provisioner.close();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/**
 * Sequential creates for new users. The platform's share is the time spent inside the simulator's
 * handler (every platform call of that request, token included); the rest is what the BFF adds:
 * routing, checks, the external id, the store's lock, reads and insert.
 */
export async function createPath(
  store: AccountStore,
  storeName: string,
): Promise<CreatePathResult> {
  let platformMs = 0;
  let platformCpuMicros = 0;
  const sim = createPlatformSim({ rateLimits: false });
  const timedFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const response = await sim.fetch(request);
    const spent = process.cpuUsage(cpu);
    platformMs += performance.now() - started;
    platformCpuMicros += spent.user + spent.system;
    return response;
  };
  const bff = await createBenchBff(store, sim, timedFetch as typeof fetch);
  const url = 'http://localhost:8787/api/knewton/account';
  const put = (user: string) =>
    bff.fetch(
      new Request(url, {
        method: 'PUT',
        headers: { Cookie: `bench_user=${user}`, 'X-CSRF': '1', Origin: 'http://localhost:5173' },
      }),
    );
  try {
    // Warm-up: the first create also fetches the system token and compiles the hot paths.
    for (let i = 0; i < 20; i++) await put(`create-warmup-${i}`);
    const total: number[] = [];
    const platform: number[] = [];
    const added: number[] = [];
    const deadline = performance.now() + CREATE_MAX_MS;
    platformCpuMicros = 0;
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < CREATES && performance.now() < deadline; i++) {
      platformMs = 0;
      const started = performance.now();
      const response = await put(`create-${i}`);
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 201) throw new Error(`create answered ${response.status}`);
      total.push(elapsed);
      platform.push(platformMs);
      added.push(elapsed - platformMs);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const addedCpuMicros = (cpu.user + cpu.system - platformCpuMicros) / total.length;
    const direct: number[] = [];
    const directDeadline = performance.now() + CREATE_MAX_MS;
    for (let i = 0; i < CREATES && performance.now() < directDeadline; i++) {
      platformMs = 0;
      const started = performance.now();
      const { created } = await bff.provisioner.ensureAccount(`direct-${i}`);
      if (!created) throw new Error('direct create found an account');
      direct.push(performance.now() - started - platformMs);
    }
    return {
      store: storeName,
      samples: total.length,
      total: summary(total),
      platform: summary(platform),
      added: summary(added),
      provisionerAdded: summary(direct),
      addedCpuMicros,
    };
  } finally {
    await bff.close();
  }
}

export interface BffBenchmarkResults {
  warm: WarmPathWrkResult;
  creates: CreatePathResult[];
}

/** Every BFF benchmark; the PostgreSQL create path only with `databaseUrl` (in its own schema, dropped after). */
export async function runBffBenchmarks(options: {
  databaseUrl: string | undefined;
  log: (line: string) => void;
  warm: Omit<WarmPathOptions, 'log'>;
}): Promise<BffBenchmarkResults> {
  const { warm: w } = options;
  options.log(
    `warm path with wrk (${w.users} users, 1 thread, ${w.connections} connections, ${w.rounds} rounds of ${w.roundSeconds} s per side)...`,
  );
  const warm = await warmPathWrk({ ...w, log: options.log });
  options.log('create path on PGlite (in memory)...');
  const pglite = await createPgliteStore();
  const creates = [await createPath(pglite, 'PGlite (in memory)').finally(() => pglite.close())];
  if (options.databaseUrl) {
    options.log('create path on PostgreSQL...');
    const schema = `bench_${Date.now().toString(36)}`;
    const store = await createPostgresStore({ connectionString: options.databaseUrl, schema });
    try {
      creates.push(await createPath(store, 'PostgreSQL (127.0.0.1)'));
    } finally {
      // Only the bench's own schema is dropped; nothing shared is touched.
      await store.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await store.close();
    }
  } else {
    options.log('create path on PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL.');
  }
  return { warm, creates };
}
