/**
 * The learning features' benchmarks, measured from outside: the example BFF as a process
 * (`apps/bff/src/main.ts`, as `pnpm bff` runs it), the simulator with its documented limits served from
 * this process (so it can see when each event arrived), and:
 * - events accepted per second: wrk in its own process POSTing batches of fresh events (`postEvents.lua`);
 * - delivery lag: learners sending an event every 2 s from this process; 202 → the platform has it;
 * - recommendation latency: asked of the platform (within the learner's 15 a minute) and served from the
 *   BFF's cache (past them).
 * Reported, never asserted; `bench/run.ts` puts the rows into BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signIn } from '../chaos/src/bffClient.js';
import { allowedOrigin, bffEnvironment, generateBffSecrets } from '../chaos/src/bffEnvironment.js';
import { postEvents } from '../chaos/src/learningClient.js';
import { ensureUntilAnswered } from '../chaos/src/openHarness.js';
import { percentile } from '../chaos/src/percentile.js';
import { runPool, sleep } from '../chaos/src/runPool.js';
import { spawnBff } from '../chaos/src/spawnBff.js';
import { startCountingSim } from '../chaos/src/startCountingSim.js';
import { createTestDatabase } from '../chaos/src/testDatabase.js';

/**
 * The simulator's seeded graph, read from its `/__sim/graphs` (the root has no dependencies of its own,
 * so the benchmark asks the simulator rather than importing its package).
 */
let graph: { id: string; moduleIds: string[] } = { id: '', moduleIds: [] };
const here = import.meta.dirname;

export interface AcceptanceRound {
  requestsPerSecond: number;
  eventsPerSecond: number;
  non2xx: number;
  socketErrors: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LearningBenchResult {
  acceptance: {
    store: string;
    learners: number;
    eventsPerRequest: number;
    rounds: AcceptanceRound[];
  }[];
  lag: {
    learners: number;
    intervalMs: number;
    seconds: number;
    events: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    undelivered: number;
    batchCalls: number;
    provoked429: number;
  };
  recommendation: { samples: number; platform: Percentiles; cached: Percentiles };
}

interface Percentiles {
  p50: number;
  p99: number;
}

const acceptanceLearners = 200;
const eventsPerRequest = 10;
const acceptanceRounds = 3;
const roundSeconds = 4;

async function startBff(store: { databaseUrl: string } | { dataDir: string }) {
  const sim = await startCountingSim();
  if (graph.id === '') {
    const listed = (await (await fetch(`${sim.url}/__sim/graphs`)).json()) as {
      graphs: { id: string; moduleIds: string[] }[];
    };
    graph = listed.graphs[0] as typeof graph;
  }
  const secrets = generateBffSecrets();
  const bff = await spawnBff(
    { ...bffEnvironment(sim, secrets, store), KNEWTON_GRAPH_ID: graph.id, LOG_LEVEL: 'warn' },
    { label: 'learning-bench' },
  );
  return {
    sim,
    bff,
    async learners(count: number, prefix: string): Promise<string[]> {
      const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
      const cookies: string[] = [];
      await runPool(ids, 16, async (id) => {
        const cookie = await signIn(bff.url, id);
        const answer = await ensureUntilAnswered(
          () => bff.url,
          cookie,
          () => {},
        );
        if (answer?.accountId === undefined) throw new Error(`learner ${id} got no account`);
        cookies.push(cookie);
      });
      return cookies;
    },
    async close() {
      await bff.stop(10_000);
      await sim.close();
    },
  };
}

function runWrk(url: string, cookieFile: string): AcceptanceRound {
  const run = spawnSync(
    'wrk',
    [
      '-t1',
      '-c32',
      `-d${roundSeconds}s`,
      '--latency',
      '-s',
      join(here, 'postEvents.lua'),
      url,
      '--',
      cookieFile,
      allowedOrigin,
      String(eventsPerRequest),
      graph.moduleIds[0] as string,
    ],
    { encoding: 'utf8', timeout: (roundSeconds + 30) * 1000 },
  );
  const line = /WRK_RESULT (\{.*\})/.exec(run.stdout ?? '')?.[1];
  if (line === undefined) throw new Error(`wrk gave no result:\n${run.stdout}\n${run.stderr}`);
  const r = JSON.parse(line) as Record<string, number>;
  const n = (key: string) => r[key] ?? 0;
  const requestsPerSecond = n('requests') / (n('durationUs') / 1e6);
  return {
    requestsPerSecond,
    eventsPerSecond: ((n('requests') - n('non2xx')) * eventsPerRequest) / (n('durationUs') / 1e6),
    non2xx: n('non2xx'),
    socketErrors: n('connectErrors') + n('readErrors') + n('writeErrors') + n('timeouts'),
    p50Ms: n('p50Us') / 1000,
    p99Ms: n('p99Us') / 1000,
  };
}

async function measureAcceptance(
  store: string,
  storeConfig: { databaseUrl: string } | { dataDir: string },
  work: string,
  log: (line: string) => void,
): Promise<LearningBenchResult['acceptance'][number]> {
  log(`  events accepted per second (${store}): ${acceptanceLearners} learners, wrk...`);
  const server = await startBff(storeConfig);
  try {
    const cookies = await server.learners(acceptanceLearners, `accept-${store}`);
    const cookieFile = join(work, `cookies-${store}.txt`);
    await writeFile(cookieFile, `${cookies.join('\n')}\n`);
    const rounds: AcceptanceRound[] = [];
    for (let i = 0; i < acceptanceRounds; i++) rounds.push(runWrk(server.bff.url, cookieFile));
    return { store, learners: acceptanceLearners, eventsPerRequest, rounds };
  } finally {
    await server.close();
  }
}

/** Learners sending one event every `intervalMs` (± 25%); lag = 202 → the platform answered the batch. */
async function measureLag(
  server: Awaited<ReturnType<typeof startBff>>,
  log: (line: string) => void,
) {
  const learners = 100;
  const intervalMs = 2_000;
  const seconds = 40;
  log(
    `  delivery lag: ${learners} learners, an event every ${intervalMs / 1000} s for ${seconds} s...`,
  );
  const cookies = await server.learners(learners, 'lag');
  const acknowledged = new Map<number, number>();
  let tag = 0;
  const endAt = Date.now() + seconds * 1000;
  await Promise.all(
    cookies.map(async (cookie) => {
      await sleep(Math.random() * intervalMs);
      while (Date.now() < endAt) {
        const own = tag++;
        const event = {
          id: randomUUID(),
          type: 'graded' as const,
          moduleId: graph.moduleIds[own % 3] as string,
          interactionEndTime: new Date().toISOString(),
          isCorrect: true,
          durationMs: own,
        };
        if ((await postEvents(server.bff.url, cookie, [event])) === 'events 202') {
          acknowledged.set(own, Date.now());
        }
        await sleep(intervalMs * (0.75 + Math.random() * 0.5));
      }
    }),
  );
  const arrivals = () => {
    const first = new Map<number, number>();
    for (const batch of server.sim.eventBatches) {
      for (const event of batch.events) {
        const t = event.duration as number;
        if (!first.has(t)) first.set(t, batch.answeredAt);
      }
    }
    return first;
  };
  const drainUntil = Date.now() + 120_000;
  while (Date.now() < drainUntil && arrivals().size < acknowledged.size) await sleep(250);
  const first = arrivals();
  const lags = [...acknowledged]
    .filter(([t]) => first.has(t))
    .map(([t, at]) => Math.max(0, (first.get(t) as number) - at));
  return {
    learners,
    intervalMs,
    seconds,
    events: acknowledged.size,
    p50Ms: percentile(lags, 50),
    p99Ms: percentile(lags, 99),
    maxMs: Math.max(0, ...lags),
    undelivered: acknowledged.size - lags.length,
    batchCalls: server.sim.answered('POST /v0/registrations/{id}/batch-events', 204),
    provoked429: server.sim.tally.provoked429,
  };
}

/** Per learner: 15 calls that reach the platform (its limit a minute), then 15 the cache serves. */
async function measureRecommendations(
  server: Awaited<ReturnType<typeof startBff>>,
  log: (line: string) => void,
) {
  const learners = 20;
  log(
    `  recommendation latency: ${learners} learners × 15 platform calls, then 15 from the cache...`,
  );
  const cookies = await server.learners(learners, 'recommend');
  const platform: number[] = [];
  const cached: number[] = [];
  const ask = async (cookie: string) => {
    const started = performance.now();
    const response = await fetch(`${server.bff.url}/api/knewton/recommendation`, {
      headers: { cookie },
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`recommendation answered ${response.status}`);
    return performance.now() - started;
  };
  const calls = () => server.sim.answered('GET /v0/registrations/{id}/recommendation', 200);
  for (const cookie of cookies) {
    // The first call registers the learner: not a recommendation's latency.
    await ask(cookie);
    for (let i = 0; i < 14; i++) platform.push(await ask(cookie));
    const before = calls();
    for (let i = 0; i < 15; i++) cached.push(await ask(cookie));
    if (calls() !== before) throw new Error('a call past the limit reached the platform');
  }
  const p = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
  return { samples: platform.length, platform: p(platform), cached: p(cached) };
}

export async function runLearningBenchmark(options: {
  databaseUrl: string | undefined;
  work: string;
  log: (line: string) => void;
}): Promise<LearningBenchResult> {
  const { databaseUrl, work, log } = options;
  log('learning benchmarks...');
  const acceptance = [
    await measureAcceptance('PGlite', { dataDir: join(work, 'accept') }, work, log),
  ];
  if (databaseUrl) {
    const database = await createTestDatabase(databaseUrl);
    try {
      acceptance.push(
        await measureAcceptance('PostgreSQL', { databaseUrl: database.url }, work, log),
      );
    } finally {
      await database.drop();
    }
  }
  const server = await startBff({ dataDir: join(work, 'lag') });
  try {
    const lag = await measureLag(server, log);
    const recommendation = await measureRecommendations(server, log);
    return { acceptance, lag, recommendation };
  } finally {
    await server.close();
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);

/** The BENCHMARKS.md section. */
export function renderLearningRows(result: LearningBenchResult): string {
  const { lag, recommendation } = result;
  const rows = result.acceptance.flatMap((side) =>
    side.rounds.map(
      (round, i) =>
        `| ${side.store} | ${i + 1} | ${int(round.requestsPerSecond)} | ${int(round.eventsPerSecond)} | ${ms(round.p50Ms)} / ${ms(round.p99Ms)} | ${round.non2xx} / ${round.socketErrors} |`,
    ),
  );
  return `## Learning events and recommendations (\`bench/learningRows.ts\`)

The example BFF as a process (\`apps/bff/src/main.ts\`, \`KNEWTON_GRAPH_ID\` the seeded graph, \`LOG_LEVEL=warn\`),
the simulator with its documented limits served from the benchmark process.

**Events accepted per second**: wrk in its own process (1 thread, 32 connections, \`bench/postEvents.lua\`),
\`POST /api/knewton/events\` with ${result.acceptance[0]?.eventsPerRequest ?? eventsPerRequest} fresh events a request, rotating through ${acceptanceLearners} signed-in
learners with accounts; ${acceptanceRounds} rounds of ${roundSeconds} s per store, one after the other, while the delivery loop
works through the backlog. A 202 means the events are committed to the outbox. Non-2xx would be 503s of a
full outbox (100,000 undelivered events by default). For how far wrk itself reaches, see the bare Hono row
of the warm path above.

| store | round | requests/s | events/s accepted | p50 / p99 (ms) | non-2xx / socket errors |
|---|---|---|---|---|---|
${rows.join('\n')}

**Delivery lag** (202 → the platform accepted the batch): ${lag.learners} learners, each one event every
${lag.intervalMs / 1000} s ± 25% for ${lag.seconds} s (${int(lag.events)} events, ${int(lag.batchCalls)} \`batch-events\` calls, ${lag.provoked429} 429s provoked, ${lag.undelivered} undelivered after 120 s).
The limits allow each learner 15 \`batch-events\` calls a minute (one every 4 s if spread evenly) of up to 500
events, so a learner sending every ${lag.intervalMs / 1000} s cannot get every event out alone; the BFF spreads a learner's
calls at least 4.1 s apart (62 s / 15), so an event waits at most about that long and goes out with the
learner's others (spending the 15 calls as events came, then waiting out the minute, made the p99 33 s).

| p50 | p99 | max |
|---|---|---|
| ${int(lag.p50Ms)} ms | ${int(lag.p99Ms)} ms | ${int(lag.maxMs)} ms |

**Recommendation latency** (\`GET /api/knewton/recommendation\`, sequential, ${recommendation.samples} samples each): asked of the
platform (within the learner's 15 calls a minute; the simulator answers over loopback HTTP) and served from
the BFF's cache (past the 15; the default \`recommendationCacheMs\` of 60 s).

| path | p50 (ms) | p99 (ms) |
|---|---|---|
| platform call | ${ms(recommendation.platform.p50)} | ${ms(recommendation.platform.p99)} |
| cache | ${ms(recommendation.cached.p50)} | ${ms(recommendation.cached.p99)} |
`;
}
