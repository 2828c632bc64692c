import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AnswerLedger } from '../AnswerLedger.js';
import { bffEnvironment } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { connectionLost } from '../documentedAnswers.js';
import { inspectPgliteStore } from '../inspectPgliteStore.js';
import { answersRecord, ensureUntilAnswered, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { seededRandom } from '../random.js';
import { runFinalPass } from '../runFinalPass.js';
import { runPool, sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';
import type { BffProcess } from '../spawnBff.js';

/**
 * Two example BFFs on one PGlite folder, which has a single owner. Each round: the owner provisions
 * new users; a contender started on the same `DATA_DIR` must be refused, naming the owner's pid, and
 * never listen; the owner is `kill -9`ed mid-provisioning; the contender, started again at once, must take
 * the dead owner's lock over and serve the same users the same ids. Then it is stopped (SIGTERM, so the
 * lock must be released on exit), and the harness opens the folder itself to `REINDEX` and count rows.
 */
export async function runPgliteOwners(profile: ChaosProfile): Promise<ScenarioResult> {
  const { rounds, usersPerRound, concurrency } = profile.pgliteOwners;
  const title = `Two BFFs on one PGlite folder (${rounds} rounds of kill -9 of the owner, contender waiting)`;
  const harness = await openHarness({ holdCreateAnswersMs: 100 });
  const failures: string[] = [];
  try {
    const dataDir = await harness.tempDir();
    const env = bffEnvironment(harness.sim, harness.secrets, { dataDir });
    const lockPath = join(dataDir, 'pglite.lock');
    const ledger = new AnswerLedger([connectionLost]);
    const random = seededRandom(21);
    const cookies = new Map<string, string>();
    const attempted: string[] = [];
    const takeOverMs: number[] = [];
    let refusals = 0;
    let reindexPasses = 0;
    let requests = 0;
    const started = Date.now();

    let owner: BffProcess = await harness.spawn(env, 'owner#0');
    for (let round = 0; round < rounds; round++) {
      const newUsers = Array.from({ length: usersPerRound }, (_, i) => `owners-${round}-${i}`);
      for (const [userId, cookie] of await harness.signInAll(owner.url, newUsers, concurrency)) {
        cookies.set(userId, cookie);
      }
      attempted.push(...newUsers);
      // The contender while the owner lives: refused with the owner named, never listening.
      const refused = await harness.spawn(env, `contender#${round}`).then(
        (bff) => {
          failures.push(`round ${round}: a second BFF started on the owner's folder`);
          bff.kill9();
          return undefined;
        },
        (error: unknown) => (error as Error).message,
      );
      if (refused !== undefined) {
        if (refused.includes(`already open by pid ${owner.pid}`) && refused.includes(dataDir)) {
          refusals++;
        } else {
          failures.push(
            `round ${round}: the refusal did not name the folder and owner: ${refused.slice(-300)}`,
          );
        }
      }

      let current = owner;
      // New users and some returning ones, against whoever owns the folder now.
      const returning = attempted.filter(() => random() < 0.1);
      const load = runPool([...newUsers, ...returning], concurrency, async (userId) => {
        await ensureUntilAnswered(
          () => current.url,
          cookies.get(userId) as string,
          (answer, url) => {
            requests++;
            ledger.record({ userId, key: answer.key, accountId: answer.accountId, source: url });
          },
          { attempts: 40 },
        );
      });

      // Kill the owner while it provisions: once the platform has committed a create whose answer
      // the harness holds (an account without its row yet), or after a short while at the latest.
      const aimAt = Date.now() + 200 + random() * 1_500;
      while (harness.sim.heldCreates.size === 0 && Date.now() < aimAt) await sleep(5);
      owner.kill9();
      await owner.exited;
      const killedAt = Date.now();
      let contender: BffProcess | undefined;
      for (let attempt = 0; attempt < 3 && contender === undefined; attempt++) {
        contender = await harness.spawn(env, `takeover#${round}`).catch((error: unknown) => {
          failures.push(
            `round ${round}: the contender could not take over: ${(error as Error).message.slice(-300)}`,
          );
          return undefined;
        });
      }
      if (contender === undefined) break;
      takeOverMs.push(Date.now() - killedAt);
      current = contender;
      await load;

      // Every user so far, once more on the new owner: the same id, nobody lost.
      await runFinalPass(attempted, concurrency, () => contender.url, cookies, ledger);
      requests += attempted.length;
      await contender.stop(10_000);
      if (existsSync(lockPath)) failures.push(`round ${round}: the lock outlived a graceful stop`);

      const inspection = await inspectPgliteStore(dataDir);
      if (inspection.reindexFailure === undefined) reindexPasses++;
      else failures.push(`round ${round}: REINDEX failed: ${inspection.reindexFailure}`);
      if (inspection.duplicateRows > 0) {
        failures.push(`round ${round}: ${inspection.duplicateRows} duplicate rows`);
      }
      const rowByUser = new Map(inspection.rows.map((row) => [row.appUserId, row.accountId]));
      const missing = [...ledger.firstIdByUser].filter(([user, id]) => rowByUser.get(user) !== id);
      if (missing.length > 0) {
        failures.push(`round ${round}: ${missing.length} answered ids missing from the store`);
      }
      if (round + 1 < rounds) owner = await harness.spawn(env, `owner#${round + 1}`);
    }

    const durationMs = Date.now() - started;
    const finalRows = (await inspectPgliteStore(dataDir)).rows;
    failures.push(...harness.bffErrorFailures());
    if (refusals < rounds) failures.push(`only ${refusals} of ${rounds} contenders were refused`);
    const sorted = [...takeOverMs].sort((a, b) => a - b);
    return {
      id: 'pglite-owners',
      title,
      store: 'PGlite',
      processes: 2,
      users: attempted.length,
      requests,
      concurrency,
      durationMs,
      answers: answersRecord(ledger),
      faults: [
        `${rounds} × a contender BFF on the owner's DATA_DIR while it lives (${refusals} refused, naming the owner's pid), then kill -9 of the owner mid-provisioning and the contender started again`,
      ],
      platform: harness.platformSummary(),
      figures: [
        `contender refused while the owner lived: ${refusals} of ${rounds} rounds; took over after the kill: ${takeOverMs.length} of ${rounds}`,
        `kill -9 to the contender listening (process start, lock take-over, PGlite open): p50 ${percentile(sorted, 50)} ms, max ${sorted.at(-1) ?? 0} ms`,
        `REINDEX passed ${reindexPasses} of ${rounds} rounds; ${finalRows.length} rows for ${attempted.length} users at the end`,
      ],
      anomalies: harness.verdict(ledger, attempted, finalRows),
      failures,
    };
  } finally {
    await harness.close();
  }
}
