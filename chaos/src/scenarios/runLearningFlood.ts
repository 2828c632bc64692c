// Over 250 lines: one scenario whose three kinds of learners (ordinary, flooding, refused) share one run
// and one set of verdicts; split, each part would need the others' state.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createPgliteStore, listDeadLetterEvents } from '@knewton-kit/bff';
import { seededGraphs } from '@knewton-kit/platform-sim';
import { AnswerLedger } from '../AnswerLedger.js';
import { bffEnvironment, externalIdOf } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { deleteRegistrationOnPlatform } from '../deleteRegistrationOnPlatform.js';
import { documentedLearningAnswers, type LearningEvent, postEvents } from '../learningClient.js';
import { answersRecord, ensureUntilAnswered, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { seededRandom } from '../random.js';
import { runPool, sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';

/** The example BFF's defaults this scenario checks: each learner's share of the outbox, and the whole. */
const perLearnerBound = 15_000;
const outboxBound = 100_000;

/**
 * One learner floods `POST /events` (batches of 100 from several connections, never waiting, whatever it
 * is told) while ordinary learners each send an event every few seconds, as the kit does (unacknowledged
 * ones again, same ids). One BFF on PGlite, as `pnpm bff` starts it, with the graph's module ids known.
 * Goal: no ordinary learner's event refused, none lost; the flooder answered 429 `rate_limited` and its
 * backlog kept within its share; a learner arriving after the flood is accepted at once.
 */
export async function runLearningFlood(profile: ChaosProfile): Promise<ScenarioResult> {
  const { learners, flooderConnections, runMs, eventIntervalMs, drainTimeoutMs } =
    profile.learningFlood;
  const title = 'Learning events flood (one learner flooding, ordinary learners sending)';
  const harness = await openHarness();
  const failures: string[] = [];
  const graph = seededGraphs[0] as (typeof seededGraphs)[number];
  try {
    const dataDir = await harness.tempDir();
    const env = {
      ...bffEnvironment(harness.sim, harness.secrets, { dataDir }),
      KNEWTON_GRAPH_ID: graph.id,
      KNEWTON_GRAPH_MODULE_IDS: graph.moduleIds.join(','),
    };
    const bff = await harness.spawn(env, 'learning-flood');
    const ordinary = Array.from({ length: learners }, (_, i) => `learner-${i}`);
    const everyone = ['flooder', 'late-learner', 'removed-learner', ...ordinary];
    const cookies = await harness.signInAll(bff.url, everyone);
    const accounts = new AnswerLedger();
    await runPool(everyone, 16, async (learner) => {
      await ensureUntilAnswered(
        () => bff.url,
        cookies.get(learner) as string,
        (answer, url) =>
          accounts.record({
            userId: learner,
            key: answer.key,
            accountId: answer.accountId,
            source: url,
          }),
      );
    });

    const random = seededRandom(20);
    let nextTag = 0;
    const makeEvent = (): LearningEvent => ({
      id: randomUUID(),
      type: 'graded',
      moduleId: graph.moduleIds[nextTag % graph.moduleIds.length] as string,
      interactionEndTime: new Date().toISOString(),
      isCorrect: random() < 0.7,
      durationMs: nextTag++,
    });
    const ledger = new AnswerLedger(documentedLearningAnswers);
    const flooderLedger = new AnswerLedger(documentedLearningAnswers);
    /** Tag → when its 202 arrived, per kind of learner. */
    const acknowledged = new Map<number, number>();
    const flooderAcknowledged = new Set<number>();
    const started = Date.now();
    const endAt = started + runMs;

    const ordinarySenders = ordinary.map(async (learner) => {
      const queue: LearningEvent[] = [];
      await sleep(random() * eventIntervalMs);
      while (Date.now() < endAt) {
        queue.push(makeEvent());
        const batch = queue.slice(0, 100);
        const key = await postEvents(bff.url, cookies.get(learner) as string, batch);
        ledger.record({ userId: learner, key });
        if (key === 'events 202') {
          for (const event of batch) acknowledged.set(event.durationMs, Date.now());
          queue.splice(0, batch.length);
        }
        await sleep(eventIntervalMs * (0.75 + random() * 0.5));
      }
    });
    const flood = Array.from({ length: flooderConnections }, async () => {
      while (Date.now() < endAt) {
        const batch = Array.from({ length: 100 }, makeEvent);
        const key = await postEvents(bff.url, cookies.get('flooder') as string, batch);
        flooderLedger.record({ userId: 'flooder', key });
        if (key === 'events 202')
          for (const event of batch) flooderAcknowledged.add(event.durationMs);
      }
    });
    const delivered = () => {
      const tags = new Map<number, number>();
      for (const batch of harness.sim.eventBatches)
        for (const event of batch.events) {
          const tag = event.duration as number;
          if (!tags.has(tag)) tags.set(tag, batch.answeredAt);
        }
      return tags;
    };
    // The dead-letter path: a learner whose registration another tool deletes on the platform mid-run. Their
    // first event is delivered; every event after the deletion is refused for good (404).
    const refusedTags = new Set<number>();
    let registrationDeleted = false;
    const removed = (async () => {
      const cookie = cookies.get('removed-learner') as string;
      const first = makeEvent();
      if ((await postEvents(bff.url, cookie, [first])) !== 'events 202') return;
      acknowledged.set(first.durationMs, Date.now());
      while (Date.now() < endAt && !delivered().has(first.durationMs)) await sleep(500);
      const accountId = harness
        .platformAccounts()
        .find(
          (account) => account.externalUserId === externalIdOf(harness.secrets, 'removed-learner'),
        )?.id;
      if (!accountId) return;
      registrationDeleted = await deleteRegistrationOnPlatform(harness.sim, accountId);
      for (let round = 0; round < 3 && Date.now() < endAt; round++) {
        const batch = Array.from({ length: 5 }, makeEvent);
        if ((await postEvents(bff.url, cookie, batch)) === 'events 202')
          for (const event of batch) refusedTags.add(event.durationMs);
        await sleep(eventIntervalMs);
      }
    })();
    // The flooder's backlog as seen from outside: acknowledged minus what the platform has.
    let peakFlooderBacklog = 0;
    const watcher = (async () => {
      while (Date.now() < endAt) {
        const have = delivered();
        let backlog = 0;
        for (const tag of flooderAcknowledged) if (!have.has(tag)) backlog++;
        peakFlooderBacklog = Math.max(peakFlooderBacklog, backlog);
        await sleep(1_000);
      }
    })();
    await Promise.all([...ordinarySenders, ...flood, watcher, removed]);
    const runEndedAt = Date.now();

    // After the flood: a learner who sent nothing yet is accepted at once; a module outside the graph is not.
    const lateEvent = makeEvent();
    const late = await postEvents(bff.url, cookies.get('late-learner') as string, [lateEvent]);
    if (late === 'events 202') acknowledged.set(lateEvent.durationMs, Date.now());
    else failures.push(`a learner's event right after the flood was answered ${late}`);
    const unknownModule = await postEvents(bff.url, cookies.get('late-learner') as string, [
      { ...makeEvent(), moduleId: 'mref-not-in-this-graph' },
    ]);
    if (unknownModule !== 'events 400 bad_request')
      failures.push(`an event for a module outside the graph was answered ${unknownModule}`);

    // Drain: every acknowledged event, the flooder's included, at the platform.
    const drainStarted = Date.now();
    let have = delivered();
    const missing = () =>
      [...acknowledged.keys(), ...flooderAcknowledged].filter((tag) => !have.has(tag)).length;
    while (missing() > 0 && Date.now() - drainStarted < drainTimeoutMs) {
      await sleep(1_000);
      have = delivered();
    }
    const drainMs = Date.now() - drainStarted;
    const lost = [...acknowledged.keys()].filter((tag) => !have.has(tag));
    const flooderLost = [...flooderAcknowledged].filter((tag) => !have.has(tag));
    const lags = [...acknowledged].map(([tag, at]) => Math.max(0, (have.get(tag) ?? at) - at));

    // The refused learner's events: in the dead letters (read from the PGlite folder once the BFF is
    // stopped), never at the platform, each sent once.
    await sleep(2 * eventIntervalMs);
    await bff.stop();
    const store = await createPgliteStore({ dataDir: join(dataDir, 'pglite') });
    const deadLetters = await listDeadLetterEvents(store, { appUserId: 'removed-learner' }).finally(
      () => store.close(),
    );
    const deadTags = new Set(
      deadLetters.map((dead) => (JSON.parse(dead.payload) as { duration: number }).duration),
    );
    const refusedLost = [...refusedTags].filter((tag) => !deadTags.has(tag) && !have.has(tag));
    const refusedCalls = harness.sim.answered('POST /v0/registrations/{id}/batch-events', 404);
    if (!registrationDeleted) failures.push("the removed learner's registration was not deleted");
    if (refusedTags.size === 0 || deadTags.size !== refusedTags.size)
      failures.push(
        `${refusedTags.size} events acknowledged after the registration was deleted, ${deadTags.size} in the dead letters`,
      );
    if (deadLetters.some((dead) => dead.status !== 404))
      failures.push("a dead letter does not carry the platform's 404");
    const ordinaryRefused = ledger.total - ledger.count('events 202');
    if (ordinaryRefused > 0)
      failures.push(`${ordinaryRefused} ordinary learners' event requests were not accepted`);
    const flooder429 = flooderLedger.count('events 429 rate_limited');
    if (flooder429 === 0) failures.push('the flooder was never answered 429 rate_limited');
    // Acknowledged and not delivered can exceed the share by what is in flight: one batch per connection.
    if (peakFlooderBacklog > perLearnerBound + 100 * flooderConnections)
      failures.push(
        `the flooder's backlog reached ${peakFlooderBacklog} (share ${perLearnerBound})`,
      );
    const unavailable = [...ledger.counts, ...flooderLedger.counts]
      .filter(([key]) => key.includes('503'))
      .reduce((sum, [, n]) => sum + n, 0);
    if (unavailable > 0) failures.push(`${unavailable} event requests were answered 503`);
    if (flooderLost.length > 0)
      failures.push(
        `${flooderLost.length} of the flooder's acknowledged events never reached the platform`,
      );
    // The refused learner's batches are logged at error level on purpose (an operator must see them).
    failures.push(...harness.bffErrorFailures(/they are in the dead letters/));

    const answers = answersRecord(ledger);
    for (const [key, n] of Object.entries(answersRecord(flooderLedger)))
      answers[`flooder ${key}`] = n;
    const fmt = (n: number) => n.toLocaleString('en-US');
    const flooderEvents = flooderAcknowledged.size;
    return {
      id: 'learning-flood',
      title,
      store: 'PGlite',
      processes: 1,
      users: learners + 2,
      requests: ledger.total + flooderLedger.total + 2,
      concurrency: learners + flooderConnections,
      durationMs: runEndedAt - started,
      answers,
      faults: [
        `one learner posting batches of 100 events from ${flooderConnections} connections without pause for ${runMs / 1000} s, ignoring Retry-After`,
      ],
      platform: harness.platformSummary(),
      figures: [
        `${learners} ordinary learners, one graded event each every ${eventIntervalMs / 1000} s ± 25%: ${fmt(ledger.count('events 202'))} of ${fmt(ledger.total)} event requests accepted, **${ordinaryRefused} refused**, **${lost.length} acknowledged events lost**; delivery lag p50 ${Math.round(percentile(lags, 50))} ms, p99 ${Math.round(percentile(lags, 99))} ms`,
        `the flooder: ${fmt(flooderLedger.total)} requests, ${fmt(flooderLedger.count('events 202'))} × 202 (${fmt(flooderEvents)} events), **${fmt(flooder429)} × 429 rate_limited**; its backlog (acknowledged, not yet at the platform) peaked at ${fmt(peakFlooderBacklog)} events (its share ${fmt(perLearnerBound)}; the whole outbox's bound ${fmt(outboxBound)} never approached: ${unavailable} × 503)`,
        `after the flood: a learner's first event ${late === 'events 202' ? 'accepted (202)' : `answered ${late}`}; an event for a module outside the graph answered ${unknownModule}`,
        `dead letters: a learner's registration deleted on the platform mid-run (DELETE /v0/registrations/{id}); of the ${refusedTags.size} events of theirs acknowledged after it, ${deadTags.size} are in \`knewton_dead_letter_events\` with status ${[...new Set(deadLetters.map((dead) => dead.status))].join(', ') || 'none'} and the platform's answer, ${refusedLost.length} lost, none at the platform; ${refusedCalls} batch-events calls answered 404 (each batch sent once, never retried)`,
        `every acknowledged event at the platform ${(drainMs / 1000).toFixed(1)} s after the flood ended (the flooder's backlog at the platform's ${fmt(7_500)} events a minute per learner); ${flooderLost.length} of the flooder's events missing`,
      ],
      anomalies: {
        duplicates: [],
        lost: lost
          .slice(0, 20)
          .map((tag) => `acknowledged event ${tag} never reached the platform`),
        orphans: [],
        undocumented: ledger.undocumented.map((o) => `${o.key} (${o.userId})`),
        counts: {
          duplicates: 0,
          lost: lost.length + refusedLost.length,
          orphans: 0,
          undocumented: ledger.undocumentedCount + flooderLedger.undocumentedCount,
        },
      },
      failures,
    };
  } finally {
    await harness.close();
  }
}
