import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount } from '../bffClient.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { answersRecord, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { runPool } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';
import { skippedResult } from './skippedResult.js';

/**
 * Scale-out: several BFF processes over one PostgreSQL database. Every user's ensures are sent at the same
 * moment to every process (`requestsPerUser` spread round-robin), so the processes race for the same user
 * and only the database's per-user lock can keep the platform at one create per user.
 */
export async function runScaleOut(
  profile: ChaosProfile,
  databaseUrl: string | undefined,
): Promise<ScenarioResult> {
  const { processes, users, requestsPerUser, concurrentUsers } = profile.scaleOut;
  const title = `Scale-out (${processes} processes, one PostgreSQL)`;
  if (databaseUrl === undefined) return skippedResult('scale-out', title, processes);
  const harness = await openHarness();
  const failures: string[] = [];
  try {
    const { database, env } = await harness.openDatabase(databaseUrl);
    // Started together: their migrations race too.
    const bffs = await Promise.all(
      Array.from({ length: processes }, (_, i) => harness.spawn(env, `scale-${i}`)),
    );
    const userIds = Array.from({ length: users }, (_, i) => `scale-${i}`);
    const cookies = await harness.signInAll(bffs[0]?.url as string, userIds);
    const ledger = new AnswerLedger();
    const latency: number[] = [];
    const started = Date.now();
    await runPool(
      userIds,
      concurrentUsers,
      async (userId) => {
        await Promise.all(
          Array.from({ length: requestsPerUser }, async (_, i) => {
            const bff = bffs[i % processes] as (typeof bffs)[number];
            const answer = await ensureAccount(bff.url, cookies.get(userId) as string);
            latency.push(answer.latencyMs);
            ledger.record({
              userId,
              key: answer.key,
              accountId: answer.accountId,
              source: `bff-${i % processes}`,
            });
          }),
        );
      },
      started + 5 * 60_000,
    );
    const durationMs = Date.now() - started;
    failures.push(...harness.bffErrorFailures());
    const requests = users * requestsPerUser;
    return {
      id: 'scale-out',
      title,
      store: 'PostgreSQL',
      processes,
      users,
      requests,
      concurrency: concurrentUsers * requestsPerUser,
      durationMs,
      answers: answersRecord(ledger),
      faults: [
        `each user's ${requestsPerUser} ensures sent at once, spread over ${processes} processes`,
      ],
      platform: harness.platformSummary(),
      figures: [
        `${Math.round((ledger.total / durationMs) * 1000)} ensures/s across ${processes} processes`,
        `latency p50 ${percentile(latency, 50).toFixed(0)} ms, p99 ${percentile(latency, 99).toFixed(0)} ms`,
      ],
      anomalies: harness.verdict(ledger, userIds, await database.rows(), true),
      failures,
    };
  } finally {
    await harness.close();
  }
}
