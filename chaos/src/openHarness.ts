import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnswerLedger } from './AnswerLedger.js';
import { type EnsureAnswer, ensureAccount, signIn } from './bffClient.js';
import {
  type BffSecrets,
  bffEnvironment,
  externalIdOf,
  generateBffSecrets,
} from './bffEnvironment.js';
import { isDocumentedAnswer } from './documentedAnswers.js';
import { findAnomalies, type PlatformAccount, type StoreRow } from './findAnomalies.js';
import { runPool, sleep } from './runPool.js';
import type { ScenarioResult } from './ScenarioResult.js';
import { type BffProcess, spawnBff } from './spawnBff.js';
import { type CountingSim, type CountingSimOptions, startCountingSim } from './startCountingSim.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

/** What every scenario needs: a simulator, shared secrets, spawned BFFs, and cleanup that always runs. */
export interface Harness {
  sim: CountingSim;
  secrets: BffSecrets;
  bffs: BffProcess[];
  spawn(env: Record<string, string>, label: string): Promise<BffProcess>;
  tempDir(): Promise<string>;
  /**
   * A fresh PostgreSQL database (dropped on `close`) and the environment that points BFFs at it, for
   * the scenarios where several processes share one store.
   */
  openDatabase(baseUrl: string): Promise<{ database: TestDatabase; env: Record<string, string> }>;
  /** Runs on `close`, last registered first. */
  onClose(cleanup: () => Promise<void>): void;
  signInAll(
    baseUrl: string,
    userIds: readonly string[],
    concurrency?: number,
  ): Promise<Map<string, string>>;
  platformAccounts(): PlatformAccount[];
  platformSummary(): ScenarioResult['platform'];
  verdict(
    ledger: AnswerLedger,
    mustHaveAccount: Iterable<string>,
    storeRows?: readonly StoreRow[],
    expectOneCreatedPerUser?: boolean,
  ): ScenarioResult['anomalies'];
  /** Error-level lines the BFFs logged (a 500 or a crash report), as failures. */
  /** `expected`: error lines the scenario provokes on purpose (matched on their text), left out. */
  bffErrorFailures(expected?: RegExp): string[];
  close(): Promise<void>;
}

export async function openHarness(options: CountingSimOptions = {}): Promise<Harness> {
  const sim = await startCountingSim(options);
  const secrets = generateBffSecrets();
  const bffs: BffProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const platformAccounts = () =>
    sim.sim
      .accounts()
      .accounts.filter((account) => account.deletedAt === null)
      .map(({ id, externalUserId }) => ({ id, externalUserId }));
  return {
    sim,
    secrets,
    bffs,
    async spawn(env, label) {
      const bff = await spawnBff(env, { label, ...logTo(label, cleanups) });
      bffs.push(bff);
      return bff;
    },
    async tempDir() {
      const dir = await mkdtemp(join(tmpdir(), 'knewton-chaos-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
    async openDatabase(baseUrl) {
      const database = await createTestDatabase(baseUrl);
      cleanups.push(() => database.drop());
      return { database, env: bffEnvironment(sim, secrets, { databaseUrl: database.url }) };
    },
    onClose(cleanup) {
      cleanups.push(cleanup);
    },
    async signInAll(baseUrl, userIds, concurrency = 16) {
      const cookies = new Map<string, string>();
      await runPool(userIds, concurrency, async (userId) => {
        cookies.set(userId, await signIn(baseUrl, userId));
      });
      return cookies;
    },
    platformAccounts,
    platformSummary() {
      return {
        created: sim.answered('POST /v0/accounts', 201),
        duplicateRefused: sim.answered('POST /v0/accounts', 422),
        provoked429: sim.tally.provoked429,
        provokedBy: Object.fromEntries(sim.tally.provokedBy),
        injected429: sim.tally.injected429,
        // The line sends a create as a single or in a batch, whichever pacing window has room.
        droppedAfterCreate:
          sim.answered('POST /v0/accounts', 'dropped') + sim.answered('POST /v0/batch', 'dropped'),
      };
    },
    verdict(ledger, mustHaveAccount, storeRows, expectOneCreatedPerUser = false) {
      return findAnomalies({
        ledger,
        mustHaveAccount,
        platformAccounts: platformAccounts(),
        externalIdOf: (userId) => externalIdOf(secrets, userId),
        storeRows,
        expectOneCreatedPerUser,
      });
    },
    bffErrorFailures(expected) {
      const lines = bffs.flatMap((bff) => bff.errorLines).filter((line) => !expected?.test(line));
      return lines.length === 0
        ? []
        : [`the BFFs logged ${lines.length} error line(s), e.g. ${lines[0]?.slice(0, 300)}`];
    },
    async close() {
      await Promise.allSettled(bffs.map((bff) => bff.stop(5_000)));
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
      await sim.close();
    },
  };
}

/**
 * With `CHAOS_BFF_LOG_DIR` set, each BFF's JSON log goes to `<dir>/<label>-<time>.log`, to read after a
 * failed verdict (which request the BFF answered how, what it logged about the platform).
 */
function logTo(
  label: string,
  cleanups: Array<() => Promise<void>>,
): { onLine?: (line: string) => void } {
  const dir = process.env.CHAOS_BFF_LOG_DIR;
  if (!dir) return {};
  const file = createWriteStream(join(dir, `${label}-${Date.now()}.log`));
  cleanups.push(() => new Promise((resolve) => file.end(resolve)));
  return { onLine: (line) => file.write(`${line}\n`) };
}

/**
 * Ensures until the BFF gives the user an id, as the browser kit does: after 202 `queued` it asks again
 * once `Retry-After` has passed (the create goes on meanwhile, so a queued user is never given up on
 * while `budgetMs` lasts); after another documented "try later" answer or a lost connection it backs off,
 * at most `attempts` times. Every answer goes to `record`; `undefined` when the user got no id.
 */
export async function ensureUntilAnswered(
  pickUrl: () => string,
  cookie: string,
  record: (answer: EnsureAnswer, url: string) => void,
  { attempts = 20, budgetMs = 5 * 60_000 }: { attempts?: number; budgetMs?: number } = {},
): Promise<EnsureAnswer | undefined> {
  const deadline = Date.now() + budgetMs;
  for (let failures = 0; failures < attempts && Date.now() < deadline; ) {
    const url = pickUrl();
    const answer = await ensureAccount(url, cookie, { timeoutMs: 120_000 });
    record(answer, url);
    if (answer.accountId !== undefined) return answer;
    if (answer.key === '202 queued') {
      await sleep(Math.min(60_000, (answer.retryAfterSeconds ?? 1) * 1000));
      continue;
    }
    if (isDocumentedAnswer(answer.key) || answer.status === undefined) {
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(failures, 4)));
      failures++;
      continue;
    }
    return answer;
  }
  return undefined;
}

export function answersRecord(ledger: AnswerLedger): Record<string, number> {
  return Object.fromEntries([...ledger.counts].sort(([a], [b]) => a.localeCompare(b)));
}
