import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount } from '../bffClient.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { connectionLost } from '../documentedAnswers.js';
import { answersRecord, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
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

/** Attempts per user in the herd phase, as the kit would keep asking (the final pass covers the rest). */
const maxAttempts = 40;
/** The kit waits `Retry-After`; capped so a long estimate does not stretch the run. */
const maxPauseMs = 5_000;

/**
 * Day-one herds under crashes: cohorts of new users ensuring at the same moment against several BFFs on
 * one PostgreSQL, so creates coalesce into `POST /v0/batch` (up to 50 users). The first kill of each
 * cohort is aimed at a process whose batch the platform committed but the harness holds unanswered (up to
 * 50 accounts without rows); the others land at random. Users behave like the kit (ask again after
 * `Retry-After`, on whichever process is up). Afterwards: every id kept, every user one, no orphan.
 *
 * Cohorts, because one herd is created within seconds, leaving room for only one or two kills.
 */
export async function runHerd(
  profile: ChaosProfile,
  databaseUrl: string | undefined,
): Promise<ScenarioResult> {
  const { processes, users, waves, kills: killTarget, holdCreateAnswersMs } = profile.herd;
  const title = `Herd under crashes (cohorts ensuring at once, kill -9 mid-batch, ${processes} processes, one PostgreSQL)`;
  if (databaseUrl === undefined) return skippedResult('herd', title, processes);
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
            slot.bff = await harness.spawn(
              { ...env, LOG_LEVEL: 'warn' },
              `herd-${slot.index}#${slot.generation}`,
            );
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
    const random = seededRandom(17);
    const pick = <T>(items: readonly T[]): T | undefined =>
      items[Math.floor(random() * items.length)];

    const userIds = Array.from({ length: users }, (_, i) => `herd-${i}`);
    const cookies = await harness.signInAll(live()[0]?.bff?.url as string, userIds, 32);
    const ledger = new AnswerLedger([connectionLost]);
    const latencies: number[] = [];
    let seq = 0;

    /** One user as the kit: asks until it has an id, on whichever process is up. */
    async function ensureLikeTheKit(userId: string): Promise<void> {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const slot = pick(live());
        if (!slot?.bff) {
          await sleep(100);
          continue;
        }
        slot.inFlight++;
        const answer = await ensureAccount(slot.bff.url, cookies.get(userId) as string, {
          // Carried to the platform as `request-label`: the killer reads the slot and generation from it.
          requestId: `s${slot.index}g${slot.generation}n${seq++}`,
          timeoutMs: 60_000,
        }).finally(() => slot.inFlight--);
        latencies.push(answer.latencyMs);
        ledger.record({
          userId,
          key: answer.key,
          accountId: answer.accountId,
          source: `bff-${slot.index}#${slot.generation}`,
        });
        if (answer.accountId !== undefined) return;
        const pauseMs =
          answer.retryAfterSeconds === undefined
            ? 100 + random() * 200
            : Math.min(maxPauseMs, answer.retryAfterSeconds * 1000);
        await sleep(pauseMs);
      }
    }

    let aimedKills = 0;
    let randomKills = 0;
    let aimedHeld = 0;
    /** Kills one process, aimed at a held batch answer when `aimed` and one shows up in time. */
    async function killOne(aimed: boolean): Promise<void> {
      // At least one process keeps serving: a deployment under crashes, not a total outage.
      for (let wait = 0; live().length < 2 && wait < 600; wait++) await sleep(100);
      if (live().length < 2) return;
      let victim: Slot | undefined;
      for (let poll = 0; aimed && !victim && poll < 600; poll++) {
        for (const held of harness.sim.heldCreates) {
          if (held.route !== 'POST /v0/batch') continue;
          const match = /^s(\d+)g(\d+)n/.exec(held.label);
          const slot = slots[Number(match?.[1])];
          if (slot?.bff?.alive && slot.generation === Number(match?.[2])) victim = slot;
        }
        if (!victim) await sleep(5);
      }
      if (victim) {
        aimedKills++;
        aimedHeld += [...harness.sim.heldCreates].filter((held) =>
          held.label.startsWith(`s${victim?.index}g${victim?.generation}n`),
        ).length;
      } else {
        victim = pick(live().filter((slot) => slot.inFlight > 0)) ?? pick(live());
        if (!victim) return;
        randomKills++;
      }
      victim.bff?.kill9();
      await victim.bff?.exited;
      void start(victim);
    }

    const started = Date.now();
    const perWave = Math.ceil(users / waves);
    const killsPerWave = Math.ceil(killTarget / waves);
    const herds: Promise<unknown>[] = [];
    for (let wave = 0; wave < waves; wave++) {
      // The next cohort arrives when at least two processes serve (a restart may still be under way).
      for (let wait = 0; live().length < 2 && wait < 600; wait++) await sleep(100);
      const cohort = userIds.slice(wave * perWave, (wave + 1) * perWave);
      const herd = Promise.all(cohort.map(ensureLikeTheKit));
      herds.push(herd);
      for (let k = 0; k < killsPerWave && aimedKills + randomKills < killTarget; k++) {
        await killOne(k % 2 === 0);
      }
      await herd;
    }
    await Promise.all(herds);
    const herdPhaseMs = Date.now() - started;
    await Promise.all(slots.map((slot) => slot.starting));
    for (const slot of slots) if (!slot.bff?.alive) await start(slot);

    // The next ensure after the crashes: every user who had an id keeps it, every other user gets one.
    const hadId = new Set(ledger.firstIdByUser.keys());
    await runFinalPass(
      userIds,
      32,
      () => pick(live())?.bff?.url ?? (slots[0]?.bff?.url as string),
      cookies,
      ledger,
    );
    const kills = aimedKills + randomKills;
    if (kills < killTarget) failures.push(`only ${kills} of ${killTarget} kills happened`);
    if (restartFailures > 0) failures.push(`${restartFailures} restarts failed to come up`);
    failures.push(...harness.bffErrorFailures());
    const { sim } = harness;
    const stats = sim.sim.stats();
    const batches = sim.answered('POST /v0/batch', 200) + sim.answered('POST /v0/batch', 207);
    const platform = { ...harness.platformSummary(), created: stats.accounts };
    return {
      id: 'herd',
      title,
      store: 'PostgreSQL',
      processes,
      users,
      requests: ledger.total,
      concurrency: perWave,
      durationMs: herdPhaseMs,
      answers: answersRecord(ledger),
      faults: [
        `${kills} × kill -9 of a BFF process group, each restarted (${aimedKills} aimed at a process whose \`POST /v0/batch\` the platform had committed and not yet answered, ${randomKills} at a random busy process)`,
      ],
      platform,
      figures: [
        `${waves} cohorts of up to ${perWave} new users, each cohort ensuring at the same moment, answer of every committed create held ${holdCreateAnswersMs} ms`,
        `${stats.accounts} platform accounts for ${users} users: ${batches} \`POST /v0/batch\` calls and ${sim.answered('POST /v0/accounts', 201)} single creates`,
        `the aimed kills cut off ${aimedHeld} committed create answers (the held batch and any singles held on the victim at that moment); their users' next ensures repaired them through 422 duplicate → scoped token (${harness.sim.answered('POST /v0/batch', 207)} partly refused batches, ${harness.platformSummary().duplicateRefused} refused singles)`,
        `${hadId.size} of ${users} users had an id before the final pass; all kept it`,
        `request held: p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms, longest ${(latencies.reduce((a, b) => Math.max(a, b), 0) / 1000).toFixed(1)} s`,
      ],
      anomalies: harness.verdict(ledger, userIds, await database.rows()),
      failures,
    };
  } finally {
    await harness.close();
  }
}
