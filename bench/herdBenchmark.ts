/**
 * The day-one herd, measured from outside: the simulator with its
 * documented limits as its own process (`pnpm sim`), the example BFF as a process (`apps/bff/src/main.ts`,
 * PGlite), and N new users who all ensure at the same moment (or spread over `arrivalSpreadMs`) from this
 * process, each behaving like the browser kit (a 202 or 503 is asked again after its `Retry-After`). Three processes, so neither the
 * platform nor the BFF shares an event loop with 20,000 clients. Reported, never asserted.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bffEnvironment, generateBffSecrets } from '../chaos/src/bffEnvironment.js';
import { spawnBff } from '../chaos/src/spawnBff.js';
import { createTestDatabase, type TestDatabase } from '../chaos/src/testDatabase.js';
import { createHerdClient, type HerdClient } from './herdClient.js';
import { startSimProcess } from './startSimProcess.js';

export interface HerdResult {
  users: number;
  /** The users' first PUTs were spread evenly over this long (0: all at once). */
  arrivalSpreadMs: number;
  /** Keep-alive connections the users' requests share (a proxy's pool in front of the BFF). */
  connections: number;
  /** From the first PUT until the platform held an account for every user. */
  allCreatedMs: number;
  /** From the first PUT until the last user was answered with its account (its Retry-After waits included). */
  allProvisionedMs: number;
  /** The ceiling's time for this many users: users / 5,250 per minute. */
  ceilingMs: number;
  /** The longest single HTTP request the BFF held (from when it was written to its answer). */
  longestRequestMs: number;
  /**
   * The longest `PUT /account` by the BFF's own request log (from its handler's start), when the run
   * logged requests (`logRequests`); the gap to `longestRequestMs` is time before the handler ran.
   */
  longestHandlerMs: number | undefined;
  /** Single requests held longer than 5 s, and longer than 10 s (the browser kit's ky timeout). */
  requestsOver5s: number;
  requestsOver10s: number;
  /** Each user's wall-clock from its first PUT to the answer with its account: p50, p99, max. */
  userWaitMs: { p50: number; p99: number; max: number };
  /** Answers by status over all requests, e.g. `{ 201: 1990, 202: 40, 200: 40 }`. */
  answers: Record<string, number>;
  /** 429s the platform sent (no 429 fault is injected, so every one was provoked by the BFF; goal 0). */
  provoked429: number;
  /** Platform accounts beyond one per external id (goal 0). */
  duplicates: number;
  /** Users without an account when the run gave up (goal 0). */
  unprovisioned: number;
  batchCalls: number;
  singleCalls: number;
  /** The BFF process's peak resident memory (VmHWM), MiB: start-up included. */
  peakRssMiB: number;
  /**
   * The BFF's resident memory (VmRSS, MiB) when the herd began, and the most sampled (every 250 ms) while
   * it ensured: what the herd itself costs, since on a fresh PGlite folder initdb sets `peakRssMiB`.
   */
  rssAtStartMiB: number;
  herdPeakRssMiB: number;
  /**
   * CPU seconds the BFF process used while the herd ensured (user + system, /proc/<pid>/stat): the cost
   * of the herd, far steadier on a shared machine than its wall-clock figures.
   */
  bffCpuSeconds: number;
  /** 1-minute load average before and after the run. */
  load: { before: number; after: number };
}

const ceilingPerMinute = 5_250;

/** A memory figure of `/proc/<pid>/status` (`VmHWM` peak, `VmRSS` now), MiB. */
async function memoryMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return kib / 1024;
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU seconds of a process so far (`/proc/<pid>/stat` fields 14 and 15, in clock ticks). */
async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Resolves after `ms`; at once (no timer turn) for 0, so a herd arriving at once is not staggered. */
function arrivedAfter(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * PUTs until the account is there, like the browser kit; each answer and how long it was held is
 * recorded. Resolves with the user's wall-clock wait, or `undefined` when it gave up.
 */
async function ensureLikeTheKit(
  client: HerdClient,
  cookie: string,
  user: number,
  record: (status: string, heldMs: number, requestId: string) => void,
  giveUpAt: number,
): Promise<{ accountId: string; waitMs: number } | undefined> {
  const startedAt = performance.now();
  for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
    // Sent as X-Request-Id: the BFF's request log names it, so a hold can be paired with its handler's.
    const requestId = `herd-${user}-${attempt}`;
    const answer = await client.send('PUT', '/api/knewton/account', {
      cookie,
      'x-csrf': '1',
      'x-request-id': requestId,
    });
    record(answer.status, answer.heldMs, requestId);
    if (answer.status === '200' || answer.status === '201') {
      const { accountId } = JSON.parse(answer.body) as { accountId?: string };
      if (accountId) return { accountId, waitMs: performance.now() - startedAt };
    }
    const retryAfterS = answer.retryAfterSeconds ?? 1;
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, retryAfterS) * 1000));
  }
  return undefined;
}

export async function runHerdBenchmark(options: {
  users: number;
  log?: (line: string) => void;
  /** Spreads the users' first PUTs evenly over this long instead of all at once. @default 0 */
  arrivalSpreadMs?: number;
  /** Runs the BFF on PostgreSQL: a database of its own on this server, dropped after. @default PGlite */
  databaseUrl?: string;
  /** Keep-alive connections to the BFF. @default 512 */
  connections?: number;
  /** Give up on users still without an account after this long. @default twice the ceiling's time + 2 min */
  timeoutMs?: number;
  /** Run the BFF with `LOG_LEVEL=info` and read its request log (costs the BFF a log line per request). */
  logRequests?: boolean;
  /** Writes the BFF's warn and error log lines (at most 5,000) to this file. */
  bffLogFile?: string;
  /** Runs the BFF with `--cpu-prof`, its profile written to this folder when it stops. */
  cpuProfileDir?: string;
  /**
   * Writes every PUT as a JSON line `{answeredAtMs, heldMs, status, requestId, handlerMs}` to this file,
   * for a closer look (`handlerMs` with `logRequests`).
   */
  timelineFile?: string;
}): Promise<HerdResult> {
  const log = options.log ?? (() => {});
  const connections = options.connections ?? 512;
  const arrivalSpreadMs = options.arrivalSpreadMs ?? 0;
  const loadBefore = loadavg()[0] ?? 0;
  const sim = await startSimProcess();
  const dataDir = await mkdtemp(join(tmpdir(), 'kk-herd-'));
  const database: TestDatabase | undefined =
    options.databaseUrl === undefined ? undefined : await createTestDatabase(options.databaseUrl);
  const secrets = generateBffSecrets();
  let bff: Awaited<ReturnType<typeof spawnBff>> | undefined;
  let client: HerdClient | undefined;
  try {
    let longestHandlerMs: number | undefined;
    const handlerMs = new Map<string, number>();
    const warnings: string[] = [];
    bff = await spawnBff(
      {
        ...bffEnvironment(
          { url: sim.url, sim },
          secrets,
          database === undefined ? { dataDir } : { databaseUrl: database.url },
        ),
        LOG_LEVEL: options.logRequests ? 'info' : 'warn',
      },
      {
        label: 'herd',
        ...(options.cpuProfileDir
          ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] }
          : {}),
        onLine(line) {
          if (
            options.bffLogFile !== undefined &&
            warnings.length < 5_000 &&
            /"level":"(warn|error)"/.test(line)
          )
            warnings.push(line);
          if (!options.logRequests || !line.includes('"route":"/api/knewton/account"')) return;
          const { latencyMs, requestId } = JSON.parse(line) as {
            latencyMs?: number;
            requestId?: string;
          };
          if (latencyMs === undefined) return;
          longestHandlerMs = Math.max(longestHandlerMs ?? 0, latencyMs);
          if (options.timelineFile !== undefined && requestId) handlerMs.set(requestId, latencyMs);
        },
      },
    );
    client = createHerdClient(bff.url, { connections });
    const herdClient = client;
    const users = Array.from({ length: options.users }, (_, i) => `herd-user-${i}`);
    log(`herd: signing in ${users.length} users over ${connections} connections...`);
    const cookies = await Promise.all(
      users.map(async (userId) => {
        const answer = await herdClient.send(
          'POST',
          '/api/session',
          { 'x-csrf': '1' },
          JSON.stringify({ userId }),
        );
        const cookie = answer.setCookie?.split(';')[0];
        if (answer.status !== '200' || !cookie)
          throw new Error(`sign-in answered ${answer.status} without a session cookie`);
        return cookie;
      }),
    );
    const answers: Record<string, number> = {};
    let longestRequestMs = 0;
    let requestsOver5s = 0;
    let requestsOver10s = 0;
    const timeline: Array<{
      answeredAtMs: number;
      heldMs: number;
      status: string;
      requestId: string;
    }> = [];
    let startedAt = performance.now();
    const record = (status: string, heldMs: number, requestId: string) => {
      if (options.timelineFile !== undefined) {
        const answeredAtMs = Math.round(performance.now() - startedAt);
        timeline.push({ answeredAtMs, heldMs: Math.round(heldMs), status, requestId });
      }
      answers[status] = (answers[status] ?? 0) + 1;
      longestRequestMs = Math.max(longestRequestMs, heldMs);
      if (heldMs > 5_000) requestsOver5s++;
      if (heldMs > 10_000) requestsOver10s++;
    };
    log(`herd: ${users.length} users ensure over ${arrivalSpreadMs / 1000} s...`);
    const cpuBefore = await cpuSeconds(bff.pid);
    const rssAtStartMiB = await memoryMiB(bff.pid, 'VmRSS');
    let herdPeakRssMiB = rssAtStartMiB;
    const bffPid = bff.pid;
    startedAt = performance.now();
    const ceilingMs = (users.length / ceilingPerMinute) * 60_000;
    const giveUpAt = Date.now() + arrivalSpreadMs + (options.timeoutMs ?? 2 * ceilingMs + 120_000);
    // The platform's side: when it held an account for every user (the clients learn it up to one
    // Retry-After later).
    let allCreatedMs = Number.NaN;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        herdPeakRssMiB = Math.max(herdPeakRssMiB, await memoryMiB(bffPid, 'VmRSS'));
        const { accounts } = await sim.stats().catch(() => ({ accounts: 0 }));
        if (accounts >= users.length) {
          allCreatedMs = performance.now() - startedAt;
          return;
        }
        if (Date.now() > giveUpAt) return;
      }
    })();
    let lastAnswered = 0;
    const outcomes = await Promise.all(
      cookies.map((cookie, index) =>
        arrivedAfter((index * arrivalSpreadMs) / users.length)
          .then(() => ensureLikeTheKit(herdClient, cookie, index, record, giveUpAt))
          .then((outcome) => {
            if (outcome) lastAnswered = performance.now() - startedAt;
            if (index % 1000 === 999) log(`herd: user ${index + 1} answered...`);
            return outcome;
          }),
      ),
    );
    watching = false;
    await watcher;
    const bffCpuSeconds = (await cpuSeconds(bff.pid)) - cpuBefore;
    if (options.bffLogFile !== undefined)
      await writeFile(options.bffLogFile, warnings.map((line) => `${line}\n`).join(''));
    if (options.timelineFile !== undefined)
      await writeFile(
        options.timelineFile,
        timeline
          .map(
            (entry) =>
              `${JSON.stringify({ ...entry, handlerMs: handlerMs.get(entry.requestId) })}\n`,
          )
          .join(''),
      );
    const rss = await memoryMiB(bff.pid, 'VmHWM');
    const stats = await sim.stats();
    const externalIds = await sim.externalUserIds();
    const provisioned = outcomes.filter((outcome) => outcome !== undefined);
    const waits = provisioned.map((outcome) => outcome.waitMs).sort((a, b) => a - b);
    return {
      users: users.length,
      arrivalSpreadMs,
      connections,
      allCreatedMs,
      allProvisionedMs: lastAnswered,
      ceilingMs,
      longestRequestMs,
      longestHandlerMs,
      requestsOver5s,
      requestsOver10s,
      userWaitMs: {
        p50: percentile(waits, 50),
        p99: percentile(waits, 99),
        max: waits.at(-1) ?? Number.NaN,
      },
      answers,
      provoked429: stats.rateLimited,
      duplicates: externalIds.length - new Set(externalIds).size,
      unprovisioned: users.length - provisioned.length,
      batchCalls: stats.calls['POST /v0/batch'] ?? 0,
      singleCalls: stats.calls['POST /v0/accounts'] ?? 0,
      peakRssMiB: rss,
      rssAtStartMiB,
      herdPeakRssMiB,
      bffCpuSeconds,
      load: { before: loadBefore, after: loadavg()[0] ?? 0 },
    };
  } finally {
    client?.close();
    await bff?.stop().catch(() => {});
    await sim.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The herd goal: every user answered within 1.25× the ceiling's time (a spread herd: its arrival time or
 * the ceiling's, whichever is longer), no request over 5 s, 0 provoked 429s, 0 duplicates, none left out.
 */
export function herdVerdict(r: HerdResult): string {
  const boundMs = 1.25 * Math.max(r.ceilingMs, r.arrivalSpreadMs);
  const misses = [
    r.allProvisionedMs > boundMs
      ? `answered ${(r.allProvisionedMs / boundMs).toFixed(2)}× the bound`
      : '',
    r.requestsOver5s > 0 ? `${r.requestsOver5s} requests > 5 s` : '',
    r.provoked429 > 0 ? `${r.provoked429} 429s` : '',
    r.duplicates > 0 ? `${r.duplicates} duplicates` : '',
    r.unprovisioned > 0 ? `${r.unprovisioned} without account` : '',
  ].filter(Boolean);
  const bound = `≤ ${(boundMs / 1000).toFixed(1)} s`;
  return misses.length === 0 ? `${bound}: met` : `${bound}: **missed** (${misses.join(', ')})`;
}

/** The rows for BENCHMARKS.md. */
export function renderHerdRows(results: HerdResult[]): string {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const lines = [
    '| herd | platform held every account | every user answered with it | ceiling (5,250/min) | goal | 202s per user | longest request held | requests > 5 s / > 10 s | user wait p50 / p99 / max | answers | BFF-provoked 429s | duplicates | without account | platform calls | BFF RSS: peak (start-up included) / at the herd start / most during it | BFF CPU | load avg before / after |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const answers = Object.entries(r.answers)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    lines.push(
      `| ${r.users.toLocaleString('en-US')} new users${r.arrivalSpreadMs > 0 ? ` over ${s(r.arrivalSpreadMs)} s` : ''} | ${s(r.allCreatedMs)} s | ${s(r.allProvisionedMs)} s | ${s(r.ceilingMs)} s | ${herdVerdict(r)} | ${((r.answers['202'] ?? 0) / r.users).toFixed(2)} | ${s(r.longestRequestMs)} s (goal ≤ ~5 s)${r.longestHandlerMs === undefined ? '' : `, in the handler ${s(r.longestHandlerMs)} s`} | ${r.requestsOver5s} / ${r.requestsOver10s} | ${s(r.userWaitMs.p50)} / ${s(r.userWaitMs.p99)} / ${s(r.userWaitMs.max)} s | ${answers} | ${r.provoked429} (goal 0) | ${r.duplicates} (goal 0) | ${r.unprovisioned} | ${r.batchCalls} batch + ${r.singleCalls} single | ${r.peakRssMiB.toFixed(0)} / ${r.rssAtStartMiB.toFixed(0)} / ${r.herdPeakRssMiB.toFixed(0)} MiB | ${r.bffCpuSeconds.toFixed(1)} s | ${r.load.before.toFixed(2)} / ${r.load.after.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}
