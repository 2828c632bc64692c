import { randomUUID } from 'node:crypto';
import { isKnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffDelayMs } from '../platform/backoff.js';
import type { LearningCalls } from '../platform/createLearningCalls.js';
import { PerTokenCallWindow } from '../platform/PerTokenCallWindow.js';
import type { AccountStore } from '../store/AccountStore.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';
import type { Registrar } from './createRegistrar.js';

/** Documented: at most 500 events per batch, and 15 calls a minute per token on each event endpoint. */
const maxBatchEvents = 500;
const batchCallsPerMinute = 15;
/** Same slack as the other per-token windows: we count departures, the platform counts arrivals. */
const batchWindowMs = 60_000 + 2_000;

export interface EventDeliveryOptions {
  store: AccountStore;
  calls: LearningCalls;
  registrar: Registrar;
  logger: Logger;
  /** Pause between delivery passes when there is nothing to do. @default 1000 */
  intervalMs?: number;
  /** How long a process owns a learner's delivery; longer than one platform call. @default 30000 */
  leaseMs?: number;
  /** Learners served per pass, which bounds platform calls per pass. @default 20 */
  learnersPerPass?: number;
}

export interface EventDelivery {
  /** Starts the loop (once the store is migrated). */
  start(): void;
  /** New events were accepted: run a pass soon instead of after the interval. */
  nudge(): void;
  /** Stops the loop after the pass in flight (its lease is released or expires). */
  /**
   * Stops the loop; a pass under way may finish for up to `graceMs` (a hanging platform must not hold a
   * shutdown). Events of a pass cut short stay undelivered and go out later (at least once).
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * The outbox's delivery loop. Each pass takes up to `learnersPerPass` learners with undelivered events;
 * for each it takes the learner's lease (one statement, so one process per learner at a time; a killed
 * process's lease expires after `leaseMs` and another takes over), sends the learner's oldest events (up
 * to 500, in acceptance order) with `batch-events` and the learner's own token, marks them delivered and
 * releases the lease. Delivery is at least once: a crash between the platform's 204 and the update
 * sends those events again.
 *
 * Bounded against a failing platform: a learner whose per-token budget (15 batch calls a minute) is
 * spent waits for it; a learner whose own delivery fails (their registration refused, 5xx or 429 for
 * their calls) backs off alone with growing backoff (up to 30 intervals, at most 30 s) while the others
 * keep being delivered. When two or more learners fail in a pass and none succeeds, the platform as a
 * whole is taken to be down and the whole loop pauses with the same backoff, so an outage costs about
 * one call per pause however many learners wait. A store failure pauses the loop too.
 */
export function createEventDelivery(options: EventDeliveryOptions): EventDelivery {
  const { store, calls, registrar, logger } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const learnersPerPass = options.learnersPerPass ?? 20;
  const outbox = createEventOutboxQueries(store);
  const owner = randomUUID();
  // The platform's logs (and the chaos suite's simulator) can tell which process sent a batch: with
  // several processes on one outbox, that is what a duplicate's investigation needs first.
  const label = { requestId: `outbox-${process.pid}` };
  const budget = new PerTokenCallWindow(batchCallsPerMinute, batchWindowMs);
  /** Learners waiting for their per-token budget, until when (epoch ms). */
  const waitingUntil = new Map<string, number>();
  /** Learners whose own delivery failed: how often in a row, and until when (epoch ms) they wait. */
  const backingOff = new Map<string, { failures: number; until: number }>();
  const maxPauseMs = Math.min(30_000, intervalMs * 30);
  // A PGlite folder has one owner at a time (the folder lock), so a lease found in it at start-up was left
  // by a process that is gone (kill -9): dropping them lets a restart deliver at once instead of waiting
  // out `leaseMs`. On PostgreSQL another live process may hold them, so they expire on their own.
  // Started by `start()`, so it is done before any lease is taken in this process; a failure only means
  // the old leases run out on their own.
  let leasesReset: Promise<void> = Promise.resolve();
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  async function deliverLearner(appUserId: string): Promise<void> {
    if (!(await outbox.claimLearner(appUserId, owner, leaseMs))) return;
    try {
      const account = await store.findByAppUserId(appUserId);
      if (!account) return;
      const registrationId = await registrar.registrationId(account);
      // A first registration can wait long for the store's locks (a herd of new learners queues on the
      // graph's): if the lease ran out meanwhile, another process may be sending these very events, so we
      // stop; otherwise the events are read only now, under a fresh lease (found by the chaos suite:
      // events read before a slow registration were sent again by the process that took over).
      if (!(await outbox.renewLearner(appUserId, owner, leaseMs))) return;
      const events = await outbox.pendingOf(appUserId, maxBatchEvents);
      if (events.length === 0) return;
      const waitMs = budget.tryTake(account.externalId);
      if (waitMs > 0) {
        waitingUntil.set(appUserId, Date.now() + waitMs);
        return;
      }
      const outcome = await calls.sendBatchEvents(
        account.externalId,
        registrationId,
        events.map((event) => JSON.parse(event.payload) as unknown),
        label,
      );
      if (outcome.kind === 'refused') {
        // The platform will never take these (we validated them, so this is a platform-side rule):
        // kept in the table as delivered so they do not block the learner's later events, and logged.
        logger.error(
          {
            status: outcome.status,
            events: events.length,
          },
          'knewton refused learning events; they are not resent',
        );
      }
      await outbox.markDelivered(events.map((event) => event.seq));
    } finally {
      await outbox.releaseLearner(appUserId, owner).catch(() => {});
    }
  }

  async function pass(): Promise<boolean> {
    await leasesReset;
    const now = Date.now();
    for (const [learner, until] of waitingUntil) if (until <= now) waitingUntil.delete(learner);
    const held = new Set(waitingUntil.keys());
    for (const [learner, { until }] of backingOff) if (until > now) held.add(learner);
    const learners = (await outbox.learnersWithPending(learnersPerPass + held.size)).filter(
      (learner) => !held.has(learner),
    );
    let succeeded = 0;
    let failed = 0;
    let lastFailure: unknown;
    for (const learner of learners.slice(0, learnersPerPass)) {
      if (closed) break;
      try {
        await deliverLearner(learner);
        succeeded++;
        backingOff.delete(learner);
      } catch (error) {
        // The store failing is everyone's problem: the pass fails and the loop backs off.
        if (!isKnewtonUnavailableError(error)) throw error;
        failed++;
        lastFailure = error;
        const failures = (backingOff.get(learner)?.failures ?? 0) + 1;
        const pauseMs = backoffDelayMs(failures, intervalMs, maxPauseMs);
        backingOff.set(learner, { failures, until: Date.now() + pauseMs });
        logger.warn(
          { reason: 'knewton_unavailable', status: error.status, failures, pauseMs },
          "a learner's event delivery failed; that learner backs off",
        );
      }
    }
    // Several learners failing and none getting through looks like the platform, not the learners.
    if (failed >= 2 && succeeded === 0) throw lastFailure;
    return learners.length > 0;
  }

  function schedule(delayMs: number): void {
    if (closed || running) return;
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
    // The loop must not keep a host alive; `close()` stops it.
    timer.unref();
  }

  function run(): void {
    timer = undefined;
    running = pass().then(
      (busy) => {
        failures = 0;
        running = undefined;
        // More may be waiting: go again soon, but give the event loop (and the store) a breath.
        schedule(busy ? 10 : intervalMs);
      },
      (error: unknown) => {
        failures++;
        running = undefined;
        const pauseMs = backoffDelayMs(failures, intervalMs, maxPauseMs);
        logger.warn(
          {
            reason: isKnewtonUnavailableError(error)
              ? 'knewton_unavailable'
              : (error as Error).name,
            pauseMs,
          },
          'learning event delivery paused',
        );
        schedule(pauseMs);
      },
    );
  }

  let started = false;

  return {
    start() {
      if (started) return;
      started = true;
      if (store.kind === 'pglite') leasesReset = outbox.releaseAllLeases().catch(() => {});
      schedule(0);
    },
    nudge() {
      if (started && failures === 0) schedule(0);
    },
    async close(options) {
      closed = true;
      clearTimeout(timer);
      const graceMs = options?.graceMs ?? 10_000;
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        running,
        new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(graceTimer);
    },
  };
}
