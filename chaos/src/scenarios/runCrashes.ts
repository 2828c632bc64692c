import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount } from '../bffClient.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { connectionLost } from '../documentedAnswers.js';
import { answersRecord, openHarness } from '../openHarness.js';
import { seededRandom } from '../random.js';
import { runFinalPass } from '../runFinalPass.js';
import { sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';
import type { BffProcess } from '../spawnBff.js';
import { skippedResult } from './skippedResult.js';

interface Slot {
  index: number;
  generation: number;
  bff: BffProcess | undefined;
  starting: Promise<void> | undefined;
  inFlight: number;
}

/**
 * Process crashes: BFF processes over one PostgreSQL are `kill -9`ed while they provision, and restarted.
 * Every other kill is aimed: the harness's simulator holds each successful create's answer for a moment,
 * and the kill lands on the process whose create (recognised by its `request-label`, which is the harness's
 * `X-Request-Id`) the platform has committed but not yet answered, which is the worst case: an account on the
 * platform and no row in the store. The rest land on a random busy process. Afterwards every user is ensured
 * once more: whoever had an id keeps it, everyone else gets one, and no platform account is left unclaimed.
 */
export async function runCrashes(
  profile: ChaosProfile,
  databaseUrl: string | undefined,
): Promise<ScenarioResult> {
  const { processes, users, kills: killTarget, concurrency, holdCreateAnswersMs } = profile.crashes;
  const title = `Process crashes (kill -9, ${processes} processes, one PostgreSQL)`;
  if (databaseUrl === undefined) return skippedResult('crashes', title, processes);
  const harness = await openHarness({ holdCreateAnswersMs });
  const failures: string[] = [];
  try {
    const { database, env } = await harness.openDatabase(databaseUrl);
    const slots: Slot[] = Array.from({ length: processes }, (_, index) => ({
      index,
      generation: 0,
      bff: undefined,
      starting: undefined,
      inFlight: 0,
    }));
    let restartFailures = 0;
    const start = (slot: Slot): Promise<void> => {
      slot.generation++;
      slot.bff = undefined;
      slot.starting = (async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            slot.bff = await harness.spawn(env, `crash-${slot.index}#${slot.generation}`);
            return;
          } catch {
            restartFailures++;
          }
        }
      })().finally(() => {
        slot.starting = undefined;
      });
      return slot.starting;
    };
    await Promise.all(slots.map(start));
    const live = () => slots.filter((slot) => slot.bff?.alive);
    const random = seededRandom(9);
    const pick = <T>(items: readonly T[]): T | undefined =>
      items[Math.floor(random() * items.length)];

    const userIds = Array.from({ length: users }, (_, i) => `crash-${i}`);
    const cookies = await harness.signInAll(live()[0]?.bff?.url as string, userIds);
    const ledger = new AnswerLedger([connectionLost]);
    const attempted = new Set<string>();
    let killerDone = false;
    let seq = 0;

    async function ensureOnSomeSlot(userId: string): Promise<boolean> {
      const slot = pick(live());
      if (!slot?.bff) {
        await sleep(100);
        return false;
      }
      slot.inFlight++;
      const answer = await ensureAccount(slot.bff.url, cookies.get(userId) as string, {
        requestId: `s${slot.index}g${slot.generation}n${seq++}`,
        timeoutMs: 60_000,
      }).finally(() => slot.inFlight--);
      ledger.record({
        userId,
        key: answer.key,
        accountId: answer.accountId,
        source: `bff-${slot.index}#${slot.generation}`,
      });
      return answer.accountId !== undefined;
    }

    const started = Date.now();
    const deadline = started + 6 * 60_000;
    let targetedKills = 0;
    let randomKills = 0;
    const killer = (async () => {
      try {
        while (targetedKills + randomKills < killTarget && Date.now() < deadline) {
          // At least one process keeps serving: a deployment under crashes, not a total outage.
          if (live().length < 2) {
            await sleep(100);
            continue;
          }
          const aimed = (targetedKills + randomKills) % 2 === 0;
          let victim: Slot | undefined;
          // Aimed: wait (bounded) for a committed create whose answer is held, on a live process.
          for (let poll = 0; aimed && !victim && poll < 200; poll++) {
            for (const held of harness.sim.heldCreates) {
              const match = /^s(\d+)g(\d+)n/.exec(held.label);
              const slot = slots[Number(match?.[1])];
              if (slot?.bff?.alive && slot.generation === Number(match?.[2])) victim = slot;
            }
            if (!victim) await sleep(10);
          }
          if (victim) targetedKills++;
          else {
            victim = pick(live().filter((slot) => slot.inFlight > 0)) ?? pick(live());
            if (!victim) {
              await sleep(200);
              continue;
            }
            randomKills++;
          }
          victim.bff?.kill9();
          await victim.bff?.exited;
          void start(victim);
          // Let the survivors serve a little before the next kill.
          await sleep(300 + random() * 500);
        }
      } finally {
        killerDone = true;
      }
    })();

    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!killerDone && next < userIds.length) {
          const userId = userIds[next++] as string;
          attempted.add(userId);
          let gotId = false;
          for (let attempt = 0; attempt < 10 && !gotId && !killerDone; attempt++) {
            gotId = await ensureOnSomeSlot(userId);
            // As a browser would after a failed request: a pause before sending again.
            if (!gotId) await sleep(100 + random() * 200);
          }
          // A repeat on some (maybe other, maybe restarted) process must give the same id.
          if (gotId && random() < 0.3) await ensureOnSomeSlot(userId);
        }
      }),
    );
    await killer;
    const killPhaseMs = Date.now() - started;
    await Promise.all(slots.map((slot) => slot.starting));
    for (const slot of slots) if (!slot.bff?.alive) await start(slot);

    // The next ensure after the storm: every user who had an id keeps it, every other user gets one.
    const hadId = new Set(ledger.firstIdByUser.keys());
    await runFinalPass(
      [...attempted],
      concurrency,
      () => pick(live())?.bff?.url ?? (slots[0]?.bff?.url as string),
      cookies,
      ledger,
    );
    const kills = targetedKills + randomKills;
    if (kills < killTarget) failures.push(`only ${kills} of ${killTarget} kills happened in time`);
    if (restartFailures > 0) failures.push(`${restartFailures} restarts failed to come up`);
    failures.push(...harness.bffErrorFailures());
    const platform = harness.platformSummary();
    return {
      id: 'crashes',
      title,
      store: 'PostgreSQL',
      processes,
      users: attempted.size,
      requests: ledger.total,
      concurrency,
      durationMs: killPhaseMs,
      answers: answersRecord(ledger),
      faults: [
        `${kills} × kill -9 of a BFF process group, each restarted (${targetedKills} aimed between the platform's create and the BFF's store write, ${randomKills} at a random busy process)`,
      ],
      platform,
      figures: [
        `${hadId.size} of ${attempted.size} users had an id before the final pass; all kept it`,
        `${platform.duplicateRefused} lost creates repaired through 422 duplicate → scoped token`,
      ],
      anomalies: harness.verdict(ledger, attempted, await database.rows()),
      failures,
    };
  } finally {
    await harness.close();
  }
}
