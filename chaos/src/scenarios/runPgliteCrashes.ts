import { AnswerLedger } from '../AnswerLedger.js';
import { bffEnvironment } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { connectionLost } from '../documentedAnswers.js';
import { inspectPgliteStore } from '../inspectPgliteStore.js';
import { answersRecord, ensureUntilAnswered, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { seededRandom } from '../random.js';
import { runFinalPass } from '../runFinalPass.js';
import { sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';
import type { BffProcess } from '../spawnBff.js';

/**
 * The default store under crashes: one example BFF on PGlite (`DATA_DIR`), `kill -9`ed while it
 * provisions and restarted at once on the same folder, over and over. Every other kill is aimed at the
 * moment the platform has committed a create whose answer the harness holds (an account without its row).
 * Each restart must come up at the first try (taking the dead process's lock over); afterwards every user
 * is ensured once more, and the harness opens the folder to `REINDEX` it and compare its rows.
 */
export async function runPgliteCrashes(profile: ChaosProfile): Promise<ScenarioResult> {
  const { users, kills: killTarget, concurrency, holdCreateAnswersMs } = profile.pgliteCrashes;
  const title = `PGlite crashes (kill -9 of the only BFF mid-provisioning, restarted on the same folder)`;
  const harness = await openHarness({ holdCreateAnswersMs });
  const failures: string[] = [];
  try {
    const dataDir = await harness.tempDir();
    const env = bffEnvironment(harness.sim, harness.secrets, { dataDir });
    let generation = 0;
    let bff: BffProcess | undefined = await harness.spawn(env, 'pglite#0');
    const userIds = Array.from({ length: users }, (_, i) => `pglite-crash-${i}`);
    const cookies = await harness.signInAll(bff.url, userIds);
    const ledger = new AnswerLedger([connectionLost]);
    const random = seededRandom(36);
    const restartMs: number[] = [];
    let restartFailures = 0;
    let aimedKills = 0;
    let kills = 0;
    let requests = 0;
    let answeredSinceRestart = 0;
    const started = Date.now();
    // Bounded, with room for a loaded machine (a restart can take 10 s on two busy cores).
    const deadline = started + 15 * 60_000;

    let next = 0;
    let stopLoad = false;
    const load = Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!stopLoad && next < userIds.length) {
          const userId = userIds[next++] as string;
          await ensureUntilAnswered(
            () => bff?.url ?? 'http://127.0.0.1:9',
            cookies.get(userId) as string,
            (answer, url) => {
              requests++;
              if (answer.accountId !== undefined && url === bff?.url) answeredSinceRestart++;
              ledger.record({ userId, key: answer.key, accountId: answer.accountId, source: url });
            },
            { attempts: 40 },
          );
        }
      }),
    );

    while (kills < killTarget && Date.now() < deadline && next < userIds.length) {
      // Let the fresh process serve a few users (bounded: a slow machine restarts slowly), then aim
      // (bounded) at a committed, unanswered create.
      const serveUntil = Date.now() + 4_000;
      while (answeredSinceRestart < 3 && Date.now() < serveUntil) await sleep(20);
      await sleep(random() * 300);
      const aimed = kills % 2 === 0;
      const aimUntil = Date.now() + 2_000;
      while (aimed && harness.sim.heldCreates.size === 0 && Date.now() < aimUntil) await sleep(5);
      if (aimed && harness.sim.heldCreates.size > 0) aimedKills++;
      bff?.kill9();
      await bff?.exited;
      kills++;
      const killedAt = Date.now();
      bff = undefined;
      generation++;
      bff = await harness.spawn(env, `pglite#${generation}`).catch((error: unknown) => {
        restartFailures++;
        failures.push(`restart ${generation} failed: ${(error as Error).message.slice(-300)}`);
        return undefined;
      });
      if (bff === undefined) break;
      restartMs.push(Date.now() - killedAt);
      answeredSinceRestart = 0;
    }
    stopLoad = true;
    await load;
    const killPhaseMs = Date.now() - started;
    if (bff === undefined) bff = await harness.spawn(env, 'pglite#final');
    const attempted = userIds.slice(0, next);
    const hadId = ledger.firstIdByUser.size;
    const finalBff = bff;
    await runFinalPass(attempted, concurrency, () => finalBff.url, cookies, ledger);
    requests += attempted.length;
    await finalBff.stop(10_000);
    const inspection = await inspectPgliteStore(dataDir);
    if (inspection.reindexFailure !== undefined) {
      failures.push(`REINDEX failed: ${inspection.reindexFailure}`);
    }
    if (inspection.duplicateRows > 0) failures.push(`${inspection.duplicateRows} duplicate rows`);
    if (kills < killTarget) failures.push(`only ${kills} of ${killTarget} kills happened in time`);
    failures.push(...harness.bffErrorFailures());
    const platform = harness.platformSummary();
    const sorted = [...restartMs].sort((a, b) => a - b);
    return {
      id: 'pglite-crashes',
      title,
      store: 'PGlite',
      processes: 1,
      users: attempted.length,
      requests,
      concurrency,
      durationMs: killPhaseMs,
      answers: answersRecord(ledger),
      faults: [
        `${kills} × kill -9 of the BFF (${aimedKills} aimed between the platform's create and the store write), each restarted at once on the same folder`,
      ],
      platform,
      figures: [
        `restarts: ${restartMs.length} of ${kills} came up at the first try (${restartFailures} failed); kill -9 to listening p50 ${percentile(sorted, 50)} ms, max ${sorted.at(-1) ?? 0} ms`,
        `${hadId} of ${attempted.length} users had an id before the final pass; all kept it`,
        `${platform.duplicateRefused} lost creates repaired through 422 duplicate → scoped token`,
        `REINDEX ${inspection.reindexFailure === undefined ? 'passed' : 'FAILED'}; ${inspection.rows.length} rows for ${attempted.length} users`,
      ],
      anomalies: harness.verdict(ledger, attempted, inspection.rows),
      failures,
    };
  } finally {
    await harness.close();
  }
}
