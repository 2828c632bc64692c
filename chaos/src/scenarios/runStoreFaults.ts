import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount, signIn } from '../bffClient.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { answersRecord, openHarness } from '../openHarness.js';
import { runFinalPass } from '../runFinalPass.js';
import { runPool, sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';
import { skippedResult } from './skippedResult.js';

/**
 * Store faults on PostgreSQL, in three phases under load (new users and users with an account):
 * a storm of `pg_terminate_backend` on every BFF connection; an outage (connections refused and the
 * open ones cut), during which a first visit must be answered 503 `store_unavailable`; and recovery,
 * which must come without restarting the BFF.
 */
export async function runStoreFaults(
  profile: ChaosProfile,
  databaseUrl: string | undefined,
): Promise<ScenarioResult> {
  const { processes, warmUsers, stormMs, outageMs, concurrency } = profile.storeFaults;
  const title = 'Store faults (pg_terminate_backend, outage)';
  if (databaseUrl === undefined) return skippedResult('store-faults', title, processes);
  const harness = await openHarness();
  const failures: string[] = [];
  try {
    const { database, env } = await harness.openDatabase(databaseUrl);
    const bffs = await Promise.all(
      Array.from({ length: processes }, (_, i) => harness.spawn(env, `store-${i}`)),
    );
    const pids = bffs.map((bff) => bff.pid);
    let seq = 0;
    const nextBff = () => bffs[seq++ % bffs.length] as (typeof bffs)[number];
    const ledger = new AnswerLedger();
    const users: string[] = [];
    const cookies = new Map<string, string>();
    let signInsRefused = 0;
    // Taken before the sign-in's await: concurrent callers (the load's workers, one per BFF in the
    // recovery poll) must never share a user, or one of them is answered 200 for the other's create.
    let userNumber = 0;
    /** A new user who signed in, or `undefined` when the sign-in was refused (the store was down). */
    const tryNewUser = async (phase: string) => {
      const userId = `store-${phase}-${userNumber++}`;
      // Sessions live in the shared database: a cookie from one BFF works on every BFF of the deployment.
      const cookie = await signInAt(nextBff().url, userId);
      if (cookie === undefined) {
        signInsRefused++;
        return undefined;
      }
      users.push(userId);
      cookies.set(userId, cookie);
      return userId;
    };
    // Signed in before the outage, never ensured: their first visit during it needs the store (no cache
    // has their account, or may have their session), so it must be answered 503 `store_unavailable`.
    // Warm users are served from the BFF's session and account caches through an outage.
    const reserve: string[] = [];
    const newUser = async (phase: string) => {
      for (;;) {
        const userId = await tryNewUser(phase);
        if (userId !== undefined) return userId;
        await sleep(250);
      }
    };
    const ensure = async (userId: string, phase: string, bff = nextBff()) => {
      const answer = await ensureAccount(bff.url, cookies.get(userId) as string, {
        timeoutMs: 60_000,
      });
      ledger.record({ userId, key: answer.key, accountId: answer.accountId, source: phase });
      return answer;
    };
    /** New and returning users, `concurrency` at a time, until `untilMs`; returns the answers by phase. */
    const load = async (phase: string, untilMs: number) => {
      const seen = new Map<string, number>();
      await Promise.all(
        Array.from({ length: concurrency }, async (_, worker) => {
          for (let i = 0; i < 10_000 && Date.now() < untilMs; i++) {
            const fresh = (i + worker) % 2 === 0;
            const userId = fresh
              ? ((phase === 'outage' ? reserve.pop() : undefined) ?? (await tryNewUser(phase)))
              : (users[Math.floor(Math.random() * Math.min(users.length, warmUsers))] as string);
            if (userId === undefined) {
              await sleep(50);
              continue;
            }
            const answer = await ensure(userId, phase);
            seen.set(answer.key, (seen.get(answer.key) ?? 0) + 1);
            if (answer.status !== 200 && answer.status !== 201) await sleep(50);
          }
        }),
      );
      return seen;
    };

    for (let i = 0; i < warmUsers; i++) await newUser('warm');
    await runPool(users.slice(), concurrency, async (userId) => {
      await ensure(userId, 'warm-up');
    });

    const started = Date.now();
    // Phase 1: connections cut every 100 ms while the load runs.
    let terminated = 0;
    const stormEnd = Date.now() + stormMs;
    const storm = (async () => {
      while (Date.now() < stormEnd) {
        terminated += await database.terminateConnections().catch(() => 0);
        await sleep(100);
      }
    })();
    const stormAnswers = await load('storm', stormEnd);
    await storm;

    for (let i = 0; i < concurrency * 4; i++) reserve.push(await newUser('reserve'));
    // Phase 2: the database refuses connections and the open ones are cut.
    await database.allowConnections(false);
    terminated += await database.terminateConnections();
    const outageAnswers = await load('outage', Date.now() + outageMs);
    const storeUnavailable = outageAnswers.get('503 store_unavailable') ?? 0;
    if (storeUnavailable === 0) {
      failures.push(
        `no 503 store_unavailable during the outage (answers: ${JSON.stringify([...outageAnswers])})`,
      );
    }
    if ((outageAnswers.get('201') ?? 0) > 0)
      failures.push('an account was created while the store was down');

    // Phase 3: the database is back; each BFF must serve a first visit again without a restart.
    await database.allowConnections(true);
    const back = Date.now();
    let recoveredMs: number | undefined;
    let lastRecoveryAnswers: string[] = [];
    for (
      let poll = 0;
      poll < 300 && recoveredMs === undefined && Date.now() - back < 30_000;
      poll++
    ) {
      const answers = await Promise.all(
        bffs.map(async (bff) => (await ensure(await newUser('recovery'), 'recovery', bff)).key),
      );
      lastRecoveryAnswers = answers;
      if (answers.every((key) => key === '201')) recoveredMs = Date.now() - back;
      else await sleep(100);
    }
    if (recoveredMs === undefined)
      failures.push(
        `the BFFs did not recover within 30 s of the store coming back (last answers: ${lastRecoveryAnswers.join(', ')})`,
      );
    if (bffs.some((bff, i) => !bff.alive || bff.pid !== pids[i]))
      failures.push('a BFF process exited or was replaced');
    const durationMs = Date.now() - started;

    // Every user attempted gets an id on a later ensure; accounts whose row could not be written are
    // repaired.
    const allAlive = bffs.every((bff) => bff.alive);
    await runFinalPass(
      allAlive ? users.slice() : [],
      concurrency,
      () => nextBff().url,
      cookies,
      ledger,
    );
    failures.push(...harness.bffErrorFailures());
    const platform = harness.platformSummary();
    return {
      id: 'store-faults',
      title,
      store: 'PostgreSQL',
      processes,
      users: users.length,
      requests: ledger.total,
      concurrency,
      durationMs,
      answers: answersRecord(ledger),
      faults: [
        `${terminated} connections cut with pg_terminate_backend (a ${stormMs / 1000} s storm, then the outage)`,
        `${outageMs / 1000} s outage: database refusing connections`,
      ],
      platform,
      figures: [
        `storm answers: ${describe(stormAnswers)}`,
        `outage answers: ${describe(outageAnswers)}`,
        `${signInsRefused} sign-ins refused while the store was failing (those people used no Knewton feature)`,
        recoveredMs === undefined
          ? 'no recovery'
          : `recovered ${recoveredMs} ms after the store came back, same processes`,
      ],
      anomalies: harness.verdict(ledger, users, await database.rows()),
      failures,
    };
  } finally {
    await harness.close();
  }
}

/**
 * Demo sessions live in the store, so a sign-in during the storm or the outage is answered 503
 * `store_unavailable`: that person is not signed in and uses no Knewton feature (`undefined`).
 */
async function signInAt(url: string, userId: string): Promise<string | undefined> {
  return signIn(url, userId).catch(() => undefined);
}

function describe(answers: Map<string, number>): string {
  return [...answers].map(([key, count]) => `${count} × ${key}`).join(', ');
}
