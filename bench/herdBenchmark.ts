/**
 * The day-one herd, measured from outside (DESIGN.md "Measuring from outside"): the example BFF as a
 * process (`apps/bff/src/main.ts`, PGlite), the simulator with its documented limits served from this
 * process, and N new users who all ensure at the same moment from this process, each behaving like the
 * browser kit (a 202 or 503 is asked again after its `Retry-After`). Reported, never asserted.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn } from '../chaos/src/bffClient.js';
import { bffEnvironment, generateBffSecrets } from '../chaos/src/bffEnvironment.js';
import { spawnBff } from '../chaos/src/spawnBff.js';
import { startCountingSim } from '../chaos/src/startCountingSim.js';

export interface HerdResult {
  users: number;
  /** From the moment every user sent its first PUT until the last one had its account. */
  allProvisionedMs: number;
  /** The ceiling's time for this many users: users / 5,250 per minute. */
  ceilingMs: number;
  /** The longest single HTTP request any user waited for. */
  longestRequestMs: number;
  /** Answers by status over all requests, e.g. `{ 201: 1990, 202: 40, 200: 40 }`. */
  answers: Record<string, number>;
  /** 429s the platform sent because the BFF exceeded a documented limit (goal 0). */
  provoked429: number;
  /** Platform accounts beyond one per user (goal 0). */
  duplicates: number;
  /** Users without an account when the run gave up (goal 0). */
  unprovisioned: number;
  batchCalls: number;
  singleCalls: number;
  /** The BFF process's peak resident memory (VmHWM), MiB. */
  peakRssMiB: number;
}

const ceilingPerMinute = 5_250;

async function peakRssMiB(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kib / 1024;
  } catch {
    return Number.NaN;
  }
}

/** PUTs until the account is there; each answer and how long it was held is recorded. */
async function ensureLikeTheKit(
  url: string,
  cookie: string,
  record: (status: string, heldMs: number) => void,
  giveUpAt: number,
): Promise<string | undefined> {
  while (Date.now() < giveUpAt) {
    const started = performance.now();
    let status = 'connection lost';
    let retryAfterS = 1;
    let accountId: string | undefined;
    try {
      const response = await fetch(`${url}/api/knewton/account`, {
        method: 'PUT',
        headers: { cookie, 'x-csrf': '1' },
        signal: AbortSignal.timeout(120_000),
      });
      status = String(response.status);
      retryAfterS = Number(response.headers.get('retry-after') ?? 1) || 1;
      const body = (await response.json()) as { accountId?: string };
      accountId = body.accountId;
    } catch {}
    record(status, performance.now() - started);
    if (accountId) return accountId;
    await new Promise((resolve) => setTimeout(resolve, retryAfterS * 1000));
  }
  return undefined;
}

export async function runHerdBenchmark(options: {
  users: number;
  log?: (line: string) => void;
  /** Give up on users still without an account after this long. @default 10 minutes */
  timeoutMs?: number;
}): Promise<HerdResult> {
  const log = options.log ?? (() => {});
  const sim = await startCountingSim();
  const dataDir = await mkdtemp(join(tmpdir(), 'kk-herd-'));
  const secrets = generateBffSecrets();
  const bff = await spawnBff(
    { ...bffEnvironment(sim, secrets, { dataDir }), LOG_LEVEL: 'warn' },
    { label: 'herd' },
  );
  try {
    const users = Array.from({ length: options.users }, (_, i) => `herd-user-${i}`);
    log(`herd: signing in ${users.length} users...`);
    const cookies: string[] = [];
    for (let i = 0; i < users.length; i += 50) {
      cookies.push(
        ...(await Promise.all(users.slice(i, i + 50).map((user) => signIn(bff.url, user)))),
      );
    }
    const answers: Record<string, number> = {};
    let longestRequestMs = 0;
    const record = (status: string, heldMs: number) => {
      answers[status] = (answers[status] ?? 0) + 1;
      longestRequestMs = Math.max(longestRequestMs, heldMs);
    };
    log(`herd: ${users.length} users ensure at once...`);
    const startedAt = performance.now();
    const giveUpAt = Date.now() + (options.timeoutMs ?? 600_000);
    const accountIds = await Promise.all(
      cookies.map((cookie) => ensureLikeTheKit(bff.url, cookie, record, giveUpAt)),
    );
    const allProvisionedMs = performance.now() - startedAt;
    const rss = await peakRssMiB(bff.pid);
    const stats = sim.sim.stats();
    const provisioned = accountIds.filter((id) => id !== undefined);
    return {
      users: users.length,
      allProvisionedMs,
      ceilingMs: (users.length / ceilingPerMinute) * 60_000,
      longestRequestMs,
      answers,
      provoked429: sim.tally.provoked429,
      duplicates: stats.accounts - new Set(provisioned).size,
      unprovisioned: users.length - provisioned.length,
      batchCalls: stats.calls['POST /v0/batch'] ?? 0,
      singleCalls: stats.calls['POST /v0/accounts'] ?? 0,
      peakRssMiB: rss,
    };
  } finally {
    await bff.stop().catch(() => {});
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The rows for BENCHMARKS.md. */
export function renderHerdRows(results: HerdResult[]): string {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const lines = [
    '| herd | every user provisioned | ceiling (5,250/min) | longest request held | answers | BFF-provoked 429s | duplicates | without account | platform calls | BFF peak RSS |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const answers = Object.entries(r.answers)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    lines.push(
      `| ${r.users.toLocaleString('en-US')} new users | ${s(r.allProvisionedMs)} s | ${s(r.ceilingMs)} s | ${s(r.longestRequestMs)} s (goal ≤ ~5 s) | ${answers} | ${r.provoked429} (goal 0) | ${r.duplicates} (goal 0) | ${r.unprovisioned} | ${r.batchCalls} batch + ${r.singleCalls} single | ${r.peakRssMiB.toFixed(0)} MiB |`,
    );
  }
  return lines.join('\n');
}
