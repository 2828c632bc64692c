import { randomUUID } from 'node:crypto';
import { seededGraphs } from '@knewton-kit/platform-sim';
import pg from 'pg';
import { AnswerLedger } from '../AnswerLedger.js';
import { externalIdOf } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { clientTimeout, connectionLost } from '../documentedAnswers.js';
import {
  documentedLearningAnswers,
  getRecommendation,
  type LearningEvent,
  postEvents,
} from '../learningClient.js';
import { answersRecord, ensureUntilAnswered, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { seededRandom } from '../random.js';
import { runPool, sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';
import type { BffProcess } from '../spawnBff.js';
import type { DeliveredEventBatch } from '../startCountingSim.js';
import { skippedResult } from './skippedResult.js';

/** The platform's documented limit on each event endpoint, per learner token. */
const eventCallsPerMinute = 15;

interface Slot {
  index: number;
  generation: number;
  bff: BffProcess | undefined;
  starting: Promise<void> | undefined;
}

/** What the harness knows of one event it made. */
interface SentEvent {
  learner: string;
  event: LearningEvent;
  /** When a `202` covering it arrived (epoch ms); undefined until acknowledged. */
  acknowledgedAt: number | undefined;
}

/** A kill -9 the harness did: which pid, when. */
interface Kill {
  pid: number;
  at: number;
  aimed: boolean;
}

/** One copy of a batch the platform took, as the harness's simulator saw it. */
type DeliveredCopy = DeliveredEventBatch;

type Cause = 'kill' | 'lost answer' | 'store' | 'unexplained';

/** Event ids of the outbox's undelivered rows, read straight from the database the BFFs share. */
async function pendingInOutbox(databaseUrl: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ event_id: string }>(
      'select event_id from knewton_learning_events where delivered_at is null',
    );
    return new Set(result.rows.map((row) => row.event_id));
  } finally {
    await client.end();
  }
}

/**
 * Learning events through crashes and an outage: learners send graded events (and now and then ask for a
 * recommendation) to two BFFs on one PostgreSQL, which are `kill -9`ed in turn, every other kill aimed at
 * a held `batch-events` answer; mid-run the platform answers 503 for a while. Unacknowledged events are
 * resent with the same ids, as the kit does. After the drain, an acknowledged event the platform lacks is
 * lost, and each duplicate must be explained by its senders' logs (`outbox-<pid>-<claim>`) and what the
 * simulator saw (`causeOf`). One registration per learner, one learning instance per 500 learners.
 */
export async function runLearning(
  profile: ChaosProfile,
  databaseUrl: string | undefined,
): Promise<ScenarioResult> {
  const {
    learners,
    eventIntervalMs,
    runMs,
    kills: killTarget,
    outageAtMs,
    outageMs,
    holdEventAnswersMs,
    recommendationShare,
    drainTimeoutMs,
  } = profile.learning;
  const processes = 2;
  const title = `Learning events (kill -9, ${processes} processes, one PostgreSQL, platform outage)`;
  if (databaseUrl === undefined) return skippedResult('learning', title, processes);
  const harness = await openHarness({ holdEventAnswersMs });
  const failures: string[] = [];
  const graph = seededGraphs[0] as (typeof seededGraphs)[number];
  try {
    const { database, env: baseEnv } = await harness.openDatabase(databaseUrl);
    // Debug: the outbox logs each delivered batch with its label, the evidence a duplicate is traced with.
    const env = { ...baseEnv, KNEWTON_GRAPH_ID: graph.id, LOG_LEVEL: 'debug' };
    const slots: Slot[] = Array.from({ length: processes }, (_, index) => ({
      index,
      generation: 0,
      bff: undefined,
      starting: undefined,
    }));
    let restartFailures = 0;
    const start = (slot: Slot): Promise<void> => {
      slot.generation++;
      slot.bff = undefined;
      slot.starting = (async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            slot.bff = await harness.spawn(env, `learning-${slot.index}#${slot.generation}`);
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
    const random = seededRandom(13);
    const pick = <T>(items: readonly T[]): T | undefined =>
      items[Math.floor(random() * items.length)];
    const anyUrl = () => pick(live())?.bff?.url ?? (slots[0]?.bff?.url as string);

    // Every learner signed in and with an account before the events start.
    const learnerIds = Array.from({ length: learners }, (_, i) => `learner-${i}`);
    const cookies = await harness.signInAll(anyUrl(), learnerIds);
    const accountLedger = new AnswerLedger([connectionLost]);
    await runPool(learnerIds, 16, async (learner) => {
      await ensureUntilAnswered(anyUrl, cookies.get(learner) as string, (answer, url) =>
        accountLedger.record({
          userId: learner,
          key: answer.key,
          accountId: answer.accountId,
          source: url,
        }),
      );
    });

    const ledger = new AnswerLedger([connectionLost, clientTimeout, ...documentedLearningAnswers]);
    const sent = new Map<number, SentEvent>();
    let nextTag = 0;
    const killsDone: Kill[] = [];
    const started = Date.now();
    const endAt = started + runMs;
    let outage: { from: number; to: number } | undefined;

    async function sendQueue(learner: string, queue: SentEvent[]): Promise<void> {
      const slot = pick(live());
      if (!slot?.bff || queue.length === 0) return;
      // What the browser kit does: the unacknowledged events go again, same ids, at most 100 a request.
      const batch = queue.slice(0, 100);
      const key = await postEvents(
        slot.bff.url,
        cookies.get(learner) as string,
        batch.map((entry) => entry.event),
      );
      ledger.record({ userId: learner, key, source: `bff-${slot.index}#${slot.generation}` });
      if (key === 'events 202') {
        const now = Date.now();
        for (const entry of batch) entry.acknowledgedAt = now;
        queue.splice(0, batch.length);
      }
    }

    function makeEvent(learner: string, moduleIndex: number): SentEvent {
      const tag = nextTag++;
      const entry: SentEvent = {
        learner,
        event: {
          id: randomUUID(),
          type: 'graded',
          moduleId: graph.moduleIds[moduleIndex % graph.moduleIds.length] as string,
          interactionEndTime: new Date().toISOString(),
          isCorrect: random() < 0.7,
          durationMs: tag,
        },
        acknowledgedAt: undefined,
      };
      sent.set(tag, entry);
      return entry;
    }

    const queues = new Map<string, SentEvent[]>(learnerIds.map((learner) => [learner, []]));
    const senders = learnerIds.map(async (learner, index) => {
      const queue = queues.get(learner) as SentEvent[];
      let answered = 0;
      // Learners start spread over one interval, as a class that does not click in step.
      await sleep(random() * eventIntervalMs);
      while (Date.now() < endAt) {
        queue.push(makeEvent(learner, index + Math.floor(answered / 3)));
        answered++;
        await sendQueue(learner, queue);
        if (random() < recommendationShare) {
          const slot = pick(live());
          if (slot?.bff) {
            const key = await getRecommendation(slot.bff.url, cookies.get(learner) as string);
            ledger.record({ userId: learner, key, source: `bff-${slot.index}#${slot.generation}` });
          }
        }
        await sleep(eventIntervalMs * (0.75 + random() * 0.5));
      }
    });

    const outageRun = (async () => {
      await sleep(outageAtMs);
      outage = { from: Date.now(), to: Number.POSITIVE_INFINITY };
      harness.sim.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      await sleep(outageMs);
      harness.sim.sim.setFaults({});
      outage.to = Date.now();
    })();

    // `outbox-<pid>-<claim>`: the process that sent a batch, and which of its claims.
    const pidOf = (label: string) => Number(/^outbox-(\d+)/.exec(label)?.[1]);
    const killer = (async () => {
      for (let k = 0; k < killTarget; k++) {
        // Spread over the run, the last one well before its end so its restart serves too.
        const due = started + ((k + 0.5) / killTarget) * runMs * 0.9;
        await sleep(Math.max(0, due - Date.now()));
        while (live().length < processes && Date.now() < endAt) await sleep(200);
        if (Date.now() >= endAt) break;
        const aimed = k % 2 === 0;
        let victim: Slot | undefined;
        for (let poll = 0; aimed && !victim && poll < 500; poll++) {
          for (const held of harness.sim.heldEventAnswers) {
            const pid = pidOf(held.label);
            victim ??= live().find((slot) => slot.bff?.pid === pid);
          }
          if (!victim) await sleep(10);
        }
        const wasAimed = victim !== undefined;
        victim ??= pick(live());
        const bff = victim?.bff;
        if (!victim || !bff) continue;
        killsDone.push({ pid: bff.pid, at: Date.now(), aimed: wasAimed });
        bff.kill9();
        await bff.exited;
        void start(victim);
      }
    })();

    await Promise.all([...senders, killer, outageRun]);
    const runEndedAt = Date.now();
    await Promise.all(slots.map((slot) => slot.starting));
    for (const slot of slots) if (!slot.bff?.alive) await start(slot);

    // What is still unacknowledged goes again until it is (the browser kit keeps its queue until 202).
    await runPool(learnerIds, 32, async (learner) => {
      const queue = queues.get(learner) as SentEvent[];
      for (let attempt = 0; attempt < 20 && queue.length > 0; attempt++) {
        await sendQueue(learner, queue);
        if (queue.length > 0) await sleep(500);
      }
    });
    const unacknowledged = [...sent.values()].filter((entry) => entry.acknowledgedAt === undefined);
    if (unacknowledged.length > 0) {
      failures.push(`${unacknowledged.length} events were never acknowledged after the run`);
    }

    // Drain: every acknowledged event at the platform and nothing left in the outbox.
    const deliveredCopies = () => {
      const copies = new Map<number, DeliveredCopy[]>();
      for (const batch of harness.sim.eventBatches) {
        for (const event of batch.events) {
          const tag = event.duration as number;
          const list = copies.get(tag) ?? [];
          list.push(batch);
          copies.set(tag, list);
        }
      }
      return copies;
    };
    const drainStarted = Date.now();
    let drained = false;
    while (Date.now() - drainStarted < drainTimeoutMs) {
      const copies = deliveredCopies();
      const allThere = [...sent.keys()].every((tag) => copies.has(tag));
      if (allThere && (await pendingInOutbox(database.url)).size === 0) {
        drained = true;
        break;
      }
      await sleep(500);
    }
    const drainMs = Date.now() - drainStarted;
    if (!drained)
      failures.push(`delivery had not drained ${drainTimeoutMs / 1000} s after the run`);

    // What each sender logged about its batch calls, by label (`outbox-<pid>-<claim>`).
    const outcomesOf = new Map<string, string[]>();
    for (const bff of harness.bffs) {
      for (const line of bff.deliveryLines) {
        const parsed = JSON.parse(line) as { label?: string; msg?: string };
        if (!parsed.label) continue;
        const list = outcomesOf.get(parsed.label) ?? [];
        list.push(parsed.msg ?? '');
        outcomesOf.set(parsed.label, list);
      }
    }
    const logged = (label: string, text: string) =>
      (outcomesOf.get(label) ?? []).some((msg) => msg.includes(text));
    /**
     * Why an earlier copy was followed by another. `kill`: its sender was killed mid-call and never logged
     * the outbox update; `lost answer`: the answer never reached the sender (the simulator saw the
     * connection close first, or the sender logged the call as not confirmed); `store`: the outbox update
     * failed, or came after the lease ran out (a stall longer than half the lease); else unexplained.
     */
    const causeOf = (copy: DeliveredCopy): Cause => {
      const delivered = logged(copy.label, 'learning events delivered');
      if (
        logged(copy.label, 'lease ran out before the outbox update') ||
        logged(copy.label, 'outbox update failed')
      )
        return 'store';
      if (logged(copy.label, 'not confirmed')) return 'lost answer';
      // Killed and never logged the update: whether the kill came after the answer, or before it with the
      // request already sent (a busy platform took it from a dead sender), the outbox never heard.
      const killed = killsDone.some((kill) => kill.pid === pidOf(copy.label));
      if (killed && !delivered) return 'kill';
      return copy.answerLost ? 'lost answer' : 'unexplained';
    };

    // The verdict on events. An acknowledged event neither delivered nor in the outbox is lost; one still
    // in the outbox when the drain gave up is late (a failure of its own, not a loss).
    const copies = deliveredCopies();
    const stillPending = await pendingInOutbox(database.url);
    let late = 0;
    const acknowledged = [...sent.entries()].filter(
      ([, entry]) => entry.acknowledgedAt !== undefined,
    );
    const lost: string[] = [];
    let lostCount = 0;
    const lags: number[] = [];
    let duplicateCopies = 0;
    let duplicateEvents = 0;
    let explained = 0;
    let explainedByLostAnswer = 0;
    let explainedByStore = 0;
    const unexplained: string[] = [];
    for (const [tag, entry] of acknowledged) {
      const list = copies.get(tag);
      if (!list && stillPending.has(entry.event.id)) {
        late++;
        continue;
      }
      if (!list) {
        lostCount++;
        if (lost.length < 20)
          lost.push(
            `event ${entry.event.id} of ${entry.learner} was answered 202 and never delivered`,
          );
        continue;
      }
      const first = list[0] as DeliveredCopy;
      lags.push(Math.max(0, first.answeredAt - (entry.acknowledgedAt as number)));
      if (list.length > 1) {
        duplicateEvents++;
        duplicateCopies += list.length - 1;
        // Each earlier copy must be explained: its sender killed right after the platform's answer, or
        // the answer lost on its way back (the sender's connection closed before the 204 was written).
        const causes = list.slice(0, -1).map((copy) => causeOf(copy));
        if (causes.every((cause) => cause === 'kill')) explained++;
        else if (causes.includes('unexplained')) {
          if (unexplained.length < 20)
            unexplained.push(
              `event ${entry.event.id} of ${entry.learner} was delivered ${list.length} times (${list.map((copy, i) => `${copy.label}${i < causes.length ? ` [${causes[i]}; its sender logged: ${(outcomesOf.get(copy.label) ?? ['nothing']).join(' / ')}]` : ''}`).join(', ')}) with no crash between an earlier copy's answer and its outbox update`,
            );
        } else if (causes.includes('store')) explainedByStore++;
        else explainedByLostAnswer++;
      }
    }
    const unexplainedCount = duplicateEvents - explained - explainedByLostAnswer - explainedByStore;
    if (late > 0) {
      failures.push(
        `${late} acknowledged events were still undelivered in the outbox when the drain gave up`,
      );
    }

    // The verdict on registrations and the learning instance.
    const userOfAccount = new Map<string, string>();
    const externalToUser = new Map(
      learnerIds.map((learner) => [externalIdOf(harness.secrets, learner), learner]),
    );
    for (const account of harness.platformAccounts()) {
      const user = externalToUser.get(account.externalUserId);
      if (user) userOfAccount.set(account.id, user);
    }
    const registrationsOf = new Map<string, number>();
    for (const accountId of harness.sim.registeredAccounts) {
      const user = userOfAccount.get(accountId) ?? `unknown account ${accountId}`;
      registrationsOf.set(user, (registrationsOf.get(user) ?? 0) + 1);
    }
    const registrationDuplicates: string[] = [];
    const registrationMissing: string[] = [];
    let registrationDuplicateCount = 0;
    let registrationMissingCount = 0;
    for (const learner of learnerIds) {
      const count = registrationsOf.get(learner) ?? 0;
      if (count > 1) {
        registrationDuplicateCount++;
        if (registrationDuplicates.length < 20)
          registrationDuplicates.push(`learner ${learner} has ${count} registrations`);
      } else if (count === 0) {
        registrationMissingCount++;
        if (registrationMissing.length < 20)
          registrationMissing.push(`learner ${learner} sent events and has no registration`);
      }
    }
    const instances = harness.sim.answered('POST /v0/learning-instances', 201);
    // The platform allows 500 registrations per learning instance (beyond, it answers 422), so the BFF
    // shards learners over ceil(learners / 500) instances, each created once.
    const expectedInstances = Math.ceil(learners / 500);
    const refusedRegistrations = harness.sim.answered('POST /v0/registrations', 422);
    if (instances !== expectedInstances)
      failures.push(
        `${instances} learning instances were created (goal ${expectedInstances}: 500 learners each)`,
      );
    const perLearner = learnerIds.map((learner) => registrationsOf.get(learner) ?? 0);

    const accounts = harness.verdict(accountLedger, learnerIds, await database.rows());
    const kills = killsDone.length;
    const aimedKills = killsDone.filter((kill) => kill.aimed).length;
    if (kills < killTarget) failures.push(`only ${kills} of ${killTarget} kills happened in time`);
    if (restartFailures > 0) failures.push(`${restartFailures} restarts failed to come up`);
    failures.push(...harness.bffErrorFailures());
    const outageFrom = outage?.from ?? 0;
    const outageTo = outage?.to ?? 0;
    const during = (at: number) => at >= outageFrom && at <= outageTo;
    const acceptedDuringOutage = acknowledged.filter(([, entry]) =>
      during(entry.acknowledgedAt as number),
    ).length;
    const batchCalls = harness.sim.tally.answers;
    const callsOf = (status: number) =>
      batchCalls.get(`POST /v0/registrations/{id}/batch-events ${status}`) ?? 0;
    const eventsRequests = [...ledger.counts]
      .filter(([key]) => key.startsWith('events') || key === connectionLost)
      .reduce((sum, [, count]) => sum + count, 0);
    const platform = harness.platformSummary();
    // Lag by when the event was acknowledged, 30 s windows: where the minutes of lag come from.
    const lagWindows: string[] = [];
    for (let from = 0; from < runEndedAt - started; from += 30_000) {
      const inWindow = acknowledged
        .filter(([, entry]) => {
          const at = (entry.acknowledgedAt as number) - started;
          return at >= from && at < from + 30_000;
        })
        .map(([tag, entry]) => {
          const first = copies.get(tag)?.[0];
          return first ? Math.max(0, first.answeredAt - (entry.acknowledgedAt as number)) : 0;
        });
      if (inWindow.length > 0)
        lagWindows.push(
          `${from / 1000}–${(from + 30_000) / 1000} s: p50 ${(percentile(inWindow, 50) / 1000).toFixed(1)} s, p99 ${(percentile(inWindow, 99) / 1000).toFixed(1)} s`,
        );
    }
    // The goal is about steady delivery: events acknowledged outside the outage (and the backlog's drain
    // right after it), from learners already registered (a first registration waits for the platform's
    // 375 a minute per token, a limit of its own).
    const registeredAtOf = new Map<string, number>();
    harness.sim.registeredAccounts.forEach((accountId, index) => {
      const user = userOfAccount.get(accountId);
      const at = harness.sim.registeredAt[index];
      if (user !== undefined && at !== undefined && !registeredAtOf.has(user))
        registeredAtOf.set(user, at);
    });
    const lagOf = (tag: number, entry: SentEvent) => {
      const first = copies.get(tag)?.[0];
      return first ? Math.max(0, first.answeredAt - (entry.acknowledgedAt as number)) : undefined;
    };
    // The backlog the outage left: from its end until every event acknowledged during it was delivered.
    const outageBacklogDelivered = Math.max(
      0,
      ...acknowledged
        .filter(([, entry]) => during(entry.acknowledgedAt as number))
        .map(([tag]) => copies.get(tag)?.[0]?.answeredAt ?? 0),
    );
    const outageDrainMs = outageBacklogDelivered > 0 ? outageBacklogDelivered - outageTo : 0;
    const backlogEvents = acknowledged.filter(([, entry]) =>
      during(entry.acknowledgedAt as number),
    ).length;
    // The outage window: from 10 s before it (an event acknowledged then meets the outage before its
    // 10 s are up) until its backlog was delivered.
    const inOutageWindow = (at: number) =>
      at >= outageFrom - 10_000 && at <= outageTo + Math.max(0, outageDrainMs);
    const outsideOutage = acknowledged.filter(
      ([, entry]) => !inOutageWindow(entry.acknowledgedAt as number),
    );
    const steady = outsideOutage.filter(
      ([, entry]) =>
        (entry.acknowledgedAt as number) >= (registeredAtOf.get(entry.learner) ?? Infinity),
    );
    const lagsOf = (entries: typeof acknowledged) =>
      entries.map(([tag, entry]) => lagOf(tag, entry)).filter((lag) => lag !== undefined);
    const outsideLags = lagsOf(outsideOutage);
    const steadyLags = lagsOf(steady);
    const registeredBeforeOutage = harness.sim.registeredAt.filter((at) => at < outageFrom).length;
    const registrationTimes = harness.sim.registeredAt;
    const lastRegistration =
      registrationTimes.length > 0 ? Math.max(...registrationTimes) - started : 0;
    const events = acknowledged.length;
    return {
      id: 'learning',
      title,
      store: 'PostgreSQL',
      processes,
      users: learners,
      requests: ledger.total,
      concurrency: learners,
      durationMs: runEndedAt - started,
      answers: answersRecord(ledger),
      faults: [
        `${kills} × kill -9 of a BFF process, each restarted (${aimedKills} aimed at a process whose batch-events answer the platform held for ${holdEventAnswersMs} ms, ${kills - aimedKills} at random)`,
        `${Math.round((outageTo - outageFrom) / 1000)} s platform outage (every call 503) starting ${Math.round((outageFrom - started) / 1000)} s in`,
      ],
      platform,
      figures: [
        `${learners} learners, one graded event each every ${eventIntervalMs / 1000} s ± 25%: ${events.toLocaleString('en-US')} events acknowledged (202) in ${eventsRequests.toLocaleString('en-US')} event requests (${acceptedDuringOutage.toLocaleString('en-US')} during the outage); **${lostCount} acknowledged events lost**; ${late.toLocaleString('en-US')} still undelivered in the outbox when the drain gave up`,
        `**${duplicateCopies} duplicate copies delivered** (${duplicateEvents} events): ${explained} of ${duplicateEvents} explained by a kill -9 of the sender after the platform's answer and before its outbox update (at-least-once; the sender logged no update for that call); ${explainedByLostAnswer} by an answer lost on its way back (the sender's call gave up, or its connection closed, after the platform took the batch); ${explainedByStore} by the sender's outbox update failing or coming after its lease ran out (store or process stalled between answer and update); **${unexplainedCount} unexplained**`,
        `registrations per learner: min ${Math.min(...perLearner)}, max ${Math.max(...perLearner)} (goal exactly 1) over ${learners} learners; ${instances} learning instances (goal ${expectedInstances}); ${refusedRegistrations} registrations refused 422 by the platform`,
        `delivery lag (202 → platform accepted): p50 ${Math.round(percentile(lags, 50))} ms, p99 ${Math.round(percentile(lags, 99))} ms, max ${Math.round(Math.max(0, ...lags))} ms (per learner the limit allows one batch-events call every 4 s)`,
        `batch-events calls: ${callsOf(204)} × 204, ${callsOf(503)} × 503 (the outage), ${callsOf(429)} × 429; ${drained ? `outbox drained ${(drainMs / 1000).toFixed(1)} s after the last event was acknowledged` : `outbox not drained ${(drainMs / 1000).toFixed(1)} s after the last event was acknowledged`}`,
        `delivery lag outside the outage window (10 s before it until its backlog was delivered): p50 ${Math.round(percentile(outsideLags, 50))} ms, p99 ${Math.round(percentile(outsideLags, 99))} ms over ${outsideLags.length.toLocaleString('en-US')} events; of those, events of learners already registered: p50 ${Math.round(percentile(steadyLags, 50))} ms, p99 ${Math.round(percentile(steadyLags, 99))} ms over ${steadyLags.length.toLocaleString('en-US')} events (goal p99 ≤ 10 s); ${registeredBeforeOutage} of ${learners} learners registered before the outage`,
        `the outage's backlog (${backlogEvents.toLocaleString('en-US')} events from ${learners} learners, at most ${eventCallsPerMinute} calls of 500 events a minute per learner): delivered ${(outageDrainMs / 1000).toFixed(1)} s after the platform came back`,
        `delivery lag by when the event was acknowledged: ${lagWindows.join('; ')}; the last learner was registered ${(lastRegistration / 1000).toFixed(1)} s in (the platform allows 375 registrations a minute per token)`,
        `kills: ${killsDone.map((kill) => `pid ${kill.pid} at ${((kill.at - started) / 1000).toFixed(1)} s${kill.aimed ? ' (aimed)' : ''}`).join(', ')}`,
      ],
      anomalies: {
        duplicates: [...accounts.duplicates, ...unexplained, ...registrationDuplicates],
        lost: [...accounts.lost, ...lost, ...registrationMissing],
        orphans: accounts.orphans,
        undocumented: [
          ...accounts.undocumented,
          ...ledger.undocumented.map((observation) => `${observation.key} (${observation.source})`),
        ],
        counts: {
          duplicates: accounts.counts.duplicates + unexplainedCount + registrationDuplicateCount,
          lost: accounts.counts.lost + lostCount + registrationMissingCount,
          orphans: accounts.counts.orphans,
          undocumented: accounts.counts.undocumented + ledger.undocumentedCount,
        },
      },
      failures,
    };
  } finally {
    await harness.close();
  }
}
