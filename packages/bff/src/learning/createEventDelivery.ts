import { randomUUID } from 'node:crypto';
import { type Clock, type ClockTimer, systemClock } from '../clock.js';
import { isKnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LearningCalls } from '../platform/createLearningCalls.js';
import type { AccountStore } from '../store/AccountStore.js';
import { createEventOutboxQueries } from '../store/eventOutboxQueries.js';
import { createDeliveredPruner } from './createDeliveredPruner.js';
import { createDeliveryPass } from './createDeliveryPass.js';
import { createLearnerBatchDelivery } from './createLearnerBatchDelivery.js';
import type { Registrar } from './createRegistrar.js';
import { LearnerBackoff } from './LearnerBackoff.js';
import { LearnerCallWindows } from './LearnerCallWindows.js';
import { OutageDetector } from './OutageDetector.js';

/** The longest pause between outage probes. */
const maxOutagePauseMs = 5_000;

export interface EventDeliveryOptions {
  store: AccountStore;
  calls: LearningCalls;
  registrar: Registrar;
  logger: Logger;
  /** Pause between delivery passes when there is nothing to do. @default 1000 */
  intervalMs?: number;
  /**
   * How long a claim owns a learner's delivery (database time). A batch call may use at most half of it
   * (token, request and a retry after 401 together), the rest is left for the outbox update, so a
   * holder's call can never still be under way once its lease has run out. @default 30000
   */
  leaseMs?: number;
  /** Learners taken per pass. @default 128 */
  learnersPerPass?: number;
  /**
   * Learners delivered at once (each one call at a time, in order, under its own token's 15/min): enough
   * to cover the platform's answer time, since most learners have one call's worth of events.
   * @default 32
   */
  concurrency?: number;
  /**
   * How long delivered events stay in the outbox so that a resent event id is recognised and not stored
   * again (the dedup window); older ones are pruned. @default 86400000 (24 h)
   */
  dedupWindowMs?: number;
  /** Time for the passes, the per-learner windows and back-off. @default systemClock */
  clock?: Clock;
  /** Called with each dead-lettered batch's size and the platform's status (metrics). */
  onDeadLettered?(events: number, status: number): void;
}

export interface EventDelivery {
  /** Starts the loop (once the store is migrated). */
  start(): void;
  /** New events were accepted: run a pass soon instead of after the interval. */
  nudge(): void;
  /**
   * Stops the loop; a pass under way may finish for up to `graceMs` (a hanging platform must not hold a
   * shutdown). Events of a pass cut short stay undelivered and go out later (at least once).
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * The outbox's delivery loop: passes one after another (10 ms apart while there is work, `intervalMs`
 * when there is none, a growing pause after a failed pass), each delivering a batch to several learners.
 * Delivery is at least once. Why a learner's events are not sent yet is decided in one of these:
 * - the whole loop is paused for an outage, and probes with one learner per pass: `OutageDetector`;
 * - the learner waits for their next call (4.1 s apart, 15 a minute): `LearnerCallWindows`;
 * - the learner backs off after their own delivery failed: `LearnerBackoff`;
 * - another process holds the learner's lease, or the lease was lost: `createLearnerBatchDelivery`;
 * - more learners are waiting than a pass takes (oldest first): `createDeliveryPass`.
 */
export function createEventDelivery(options: EventDeliveryOptions): EventDelivery {
  const { store, calls, registrar, logger } = options;
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 1_000;
  const outbox = createEventOutboxQueries(store);
  const maxPauseMs = Math.min(30_000, intervalMs * 30);
  const windows = new LearnerCallWindows(clock);
  // While the platform is down the loop probes with one call per pause: short pauses cost little and
  // let the backlog start draining within seconds of the platform's return.
  const outage = new OutageDetector(intervalMs, Math.min(maxPauseMs, maxOutagePauseMs));
  const backoff = new LearnerBackoff(intervalMs, maxPauseMs, clock);
  const registering = new Set<string>();
  let closed = false;
  const pass = createDeliveryPass({
    outbox,
    deliverLearnerBatch: createLearnerBatchDelivery({
      store,
      outbox,
      calls,
      registrar,
      windows,
      logger,
      clock,
      owner: randomUUID(),
      leaseMs: options.leaseMs ?? 30_000,
      registering,
      registrationFailed(appUserId, error) {
        const { failures, pauseMs } = backoff.failed(appUserId);
        logger.warn(
          {
            reason: isKnewtonUnavailableError(error)
              ? 'knewton_unavailable'
              : (error as Error).name,
            failures,
            pauseMs,
          },
          "a learner's registration failed; that learner backs off",
        );
      },
      ...(options.onDeadLettered ? { onDeadLettered: options.onDeadLettered } : {}),
    }),
    pruneDelivered: createDeliveredPruner({
      outbox,
      dedupWindowMs: options.dedupWindowMs ?? 86_400_000,
      logger,
      clock,
    }),
    windows,
    backoff,
    registering,
    outage,
    logger,
    clock,
    learnersPerPass: options.learnersPerPass ?? 128,
    concurrency: options.concurrency ?? 32,
    closed: () => closed,
  });
  // A PGlite folder has one owner at a time, so a lease found in it at start-up was left by a process that
  // is gone: dropping them lets a restart deliver at once. On PostgreSQL another live process may hold
  // them. Awaited by every pass; a failure only means the old leases run out on their own.
  let leasesReset: Promise<void> = Promise.resolve();
  let started = false;
  let timer: ClockTimer | undefined;
  let running: Promise<void> | undefined;

  function schedule(delayMs: number): void {
    if (closed || running) return;
    if (timer) clock.clearTimeout(timer);
    timer = clock.setTimeout(run, delayMs);
    // The loop must not keep a host alive; `close()` stops it.
    timer.unref?.();
  }

  function run(): void {
    timer = undefined;
    running = leasesReset.then(pass).then(
      ({ busy, reachedPlatform }) => {
        outage.passEnded(reachedPlatform);
        running = undefined;
        // More may be waiting: go again soon, but give the event loop (and the store) a breath.
        schedule(busy ? 10 : intervalMs);
      },
      (error: unknown) => {
        const pauseMs = outage.passFailed();
        running = undefined;
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

  return {
    start() {
      if (started) return;
      started = true;
      if (store.kind === 'pglite') leasesReset = outbox.releaseAllLeases().catch(() => {});
      schedule(0);
    },
    nudge() {
      if (started && !outage.paused) schedule(0);
    },
    async close(closeOptions) {
      closed = true;
      if (timer) clock.clearTimeout(timer);
      let graceTimer: ClockTimer | undefined;
      await Promise.race([
        running,
        new Promise<void>((resolve) => {
          graceTimer = clock.setTimeout(resolve, closeOptions?.graceMs ?? 10_000);
        }),
      ]);
      if (graceTimer) clock.clearTimeout(graceTimer);
    },
  };
}
