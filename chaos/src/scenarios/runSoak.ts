import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount } from '../bffClient.js';
import { bffEnvironment } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { answersRecord, ensureUntilAnswered, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { seededRandom, shuffle } from '../random.js';
import { runPool } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';

/** Platform limit the BFF must pace itself under: `POST /v0/accounts`, per token, per minute. */
const createsPerMinute = 750;

/**
 * Soak: one BFF (the default PGlite store), every user ensured many times in a shuffled order by
 * concurrent keep-alive clients, so first visits, repeats and concurrent ensures of one user mix. Then the
 * BFF is stopped gracefully, started again on the same data, and every user ensured once more: every id
 * must come back unchanged, as a 200.
 */
export async function runSoak(
  profile: ChaosProfile,
  budgetMs = 8 * 60_000,
): Promise<ScenarioResult> {
  const { users, requests, concurrency } = profile.soak;
  const harness = await openHarness();
  const failures: string[] = [];
  try {
    const dataDir = await harness.tempDir();
    const env = bffEnvironment(harness.sim, harness.secrets, { dataDir });
    const first = await harness.spawn(env, 'soak');
    const userIds = Array.from({ length: users }, (_, i) => `soak-${i}`);
    const cookies = await harness.signInAll(first.url, userIds);
    const schedule = shuffle(
      Array.from({ length: requests }, (_, i) => userIds[i % users] as string),
      seededRandom(6),
    );
    const ledger = new AnswerLedger();
    const warmLatency: number[] = [];
    const createLatency: number[] = [];
    const started = Date.now();
    const sent = await runPool(
      schedule,
      concurrency,
      async (userId) => {
        const answer = await ensureAccount(first.url, cookies.get(userId) as string, {
          timeoutMs: 180_000,
        });
        ledger.record({ userId, key: answer.key, accountId: answer.accountId, source: 'soak' });
        if (answer.key === '200') warmLatency.push(answer.latencyMs);
        if (answer.key === '201') createLatency.push(answer.latencyMs);
      },
      started + budgetMs,
    );
    const durationMs = Date.now() - started;
    if (sent < requests)
      failures.push(`only ${sent} of ${requests} ensures fit in the time budget`);

    // Durability: a graceful restart on the same PGlite folder must give every user the same id, as a 200.
    await first.stop();
    const restarted = await harness.spawn(env, 'soak-restarted');
    let recreatedAfterRestart = 0;
    await runPool(userIds, concurrency, async (userId) => {
      const hadId = ledger.firstIdByUser.has(userId);
      await ensureUntilAnswered(
        () => restarted.url,
        cookies.get(userId) as string,
        (answer) => {
          ledger.record({
            userId,
            key: answer.key,
            accountId: answer.accountId,
            source: 'after restart',
          });
          if (hadId && answer.key === '201') recreatedAfterRestart++;
        },
      );
    });
    if (recreatedAfterRestart > 0) {
      failures.push(
        `${recreatedAfterRestart} users who had an account got 201 again after the restart`,
      );
    }
    failures.push(...harness.bffErrorFailures());

    const platform = harness.platformSummary();
    const minutesOfCreates = Math.ceil(platform.created / createsPerMinute) - 1;
    return {
      id: 'soak',
      title: 'Soak',
      store: 'PGlite',
      processes: 1,
      users,
      requests: sent,
      concurrency,
      durationMs,
      answers: answersRecord(ledger),
      faults: ['graceful restart on the same data, then every user ensured again'],
      platform,
      figures: [
        `${Math.round((sent / durationMs) * 1000)} ensures/s overall`,
        `warm 200: p50 ${percentile(warmLatency, 50).toFixed(1)} ms, p99 ${percentile(warmLatency, 99).toFixed(1)} ms`,
        `201 created: p50 ${percentile(createLatency, 50).toFixed(0)} ms, p99 ${percentile(createLatency, 99).toFixed(0)} ms`,
        minutesOfCreates > 0
          ? `${platform.created} creates at ≤ ${createsPerMinute}/min per token: at least ${minutesOfCreates} min of the run is the BFF's own pacing`
          : `${platform.created} creates: under one minute's platform budget (${createsPerMinute}), pacing not exercised`,
      ],
      anomalies: harness.verdict(ledger, userIds),
      failures,
    };
  } finally {
    await harness.close();
  }
}
