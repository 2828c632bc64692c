import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { sleep, systemClock } from '../clock.js';
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
/**
 * A learner's calls are also spread out, one per 1/15 of the window at most: spending the 15 calls as
 * events come (a learner sending every 2 s) and then waiting out the rest of the minute made the bench's
 * lag p99 33 s; spread, a learner's events wait at most about 4 s and go out together.
 */
const batchSpacingMs = Math.ceil(batchWindowMs / batchCallsPerMinute);

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
  /** Learners taken per pass. @default 64 */
  learnersPerPass?: number;
  /**
   * Learners delivered at once (each one call at a time, in order, under its own token's 15/min).
   * @default 16
   */
  concurrency?: number;
  /**
   * How long delivered events stay in the outbox so that a resent event id is recognised and not stored
   * again (the dedup window); older ones are pruned. @default 86400000 (24 h)
   */
  dedupWindowMs?: number;
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
 * Below this (or a quarter of the lease, if shorter), a call's budget is too short to be worth sending:
 * the store was slow since the renewal, and the learner is claimed afresh later.
 */
const minCallBudgetMs = 1_000;
/** How often delivered events past the dedup window are pruned, and at most how many at a time. */
const pruneEveryMs = 60_000;
const pruneBatch = 5_000;

/**
 * The outbox's delivery loop. Each pass takes up to `learnersPerPass` learners with undelivered events
 * and delivers up to `concurrency` of them at once; for each it takes the learner's lease (one statement,
 * so one claim per learner at a time; a killed process's lease expires after `leaseMs` and another takes
 * over), renews it right before the call, sends the learner's oldest events (up to 500, in acceptance
 * order) with `batch-events` and the learner's own token under a hard budget of half the lease, marks
 * them delivered and releases the lease.
 *
 * Delivery is at least once. A copy is sent again only when the answer of an earlier one never reached
 * the outbox: a crash between the platform's 204 and the update, or a call abandoned (its budget ran out,
 * its connection dropped) after the platform had taken the batch: the platform has no idempotency key, so
 * such a call cannot be told from one that never arrived. No call is ever under way once its lease could
 * have been taken over (the budget ends before the lease), which is what made copies before (issue 13).
 * Every call carries `request-label: outbox-<pid>-<claim>` and is logged with it (debug when delivered,
 * warn when not), so a duplicate at the platform can be traced to the claims that sent it.
 *
 * Bounded against a failing platform: a learner whose per-token budget (15 batch calls a minute) is
 * spent waits for it; a learner whose own delivery fails (their registration refused, 5xx or 429 for
 * their calls) backs off alone with growing backoff (up to 30 intervals, at most 30 s) while the others
 * keep being delivered. When two or more learners fail in a pass and none succeeds, the platform as a
 * whole is taken to be down and the whole loop pauses with the same backoff; while paused, passes probe
 * one learner at a time, so an outage costs about one call per pause however many learners wait. A
 * store failure pauses the loop too.
 */
export function createEventDelivery(options: EventDeliveryOptions): EventDelivery {
  const { store, calls, registrar, logger } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const learnersPerPass = options.learnersPerPass ?? 64;
  const concurrency = options.concurrency ?? 16;
  const dedupWindowMs = options.dedupWindowMs ?? 86_400_000;
  const outbox = createEventOutboxQueries(store);
  const owner = randomUUID();
  let claims = 0;
  const budget = new PerTokenCallWindow(batchCallsPerMinute, batchWindowMs);
  const spacing = new PerTokenCallWindow(1, batchSpacingMs);
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
  let prunedAt = 0;

  /**
   * Sends one learner's oldest pending events, if this process may now. `true` when the platform answered
   * (took or refused them); `false` when nothing was sent (claimed elsewhere, nothing pending, or the
   * learner's own call budget says wait), which says nothing about whether the platform is up.
   */
  async function deliverLearner(appUserId: string): Promise<boolean> {
    // A fencing token per claim: a lease this process held before and lost is never mistaken for this one.
    const claimNumber = ++claims;
    const claim = `${owner}:${claimNumber}`;
    // The platform's logs (and the chaos suite's simulator) can tell which claim of which process sent a
    // batch, and ours say what became of it: what a duplicate's investigation needs first.
    const label = { requestId: `outbox-${process.pid}-${claimNumber}` };
    if (!(await outbox.claimLearner(appUserId, claim, leaseMs))) return false;
    let delivered = false;
    try {
      const account = await store.findByAppUserId(appUserId);
      if (!account) return false;
      const registrationId = await registrar.registrationId(account);
      // A first registration can wait long for the store's locks: the lease is renewed only now, and the
      // events read under it (found by the chaos suite: events read before a slow registration were sent
      // again by the process that took over). `renewedAt` is taken before the statement, so the lease
      // (database time, set later) lasts at least until `renewedAt + leaseMs`.
      const renewedAt = Date.now();
      if (!(await outbox.renewLearner(appUserId, claim, leaseMs))) return false;
      const events = await outbox.pendingOf(appUserId, maxBatchEvents);
      if (events.length === 0) return false;
      // Half the lease for the call, the other half for the outbox update and the clocks' drift: the
      // call is abandoned before the lease can run out, so no other claim can be sending these events
      // while this one still might.
      const callBudgetMs = Math.floor(leaseMs / 2) - (Date.now() - renewedAt);
      if (callBudgetMs < Math.min(minCallBudgetMs, leaseMs / 4)) return false;
      // Spacing first: a spacing slot taken when the minute's budget then says no only delays this
      // learner by one spacing, while the other order would spend one of the 15 calls on nothing.
      const waitMs = spacing.tryTake(account.externalId) || budget.tryTake(account.externalId);
      if (waitMs > 0) {
        waitingUntil.set(appUserId, Date.now() + waitMs);
        return false;
      }
      const sentAt = Date.now();
      let outcome: Awaited<ReturnType<LearningCalls['sendBatchEvents']>>;
      try {
        outcome = await calls.sendBatchEvents(
          account.externalId,
          registrationId,
          events.map((event) => JSON.parse(event.payload) as unknown),
          label,
          { ms: callBudgetMs },
        );
      } catch (error) {
        // Evidence for a later duplicate: a call that gave up may have reached the platform.
        logger.warn(
          {
            label: label.requestId,
            events: events.length,
            ms: Date.now() - sentAt,
            reason: error instanceof Error ? error.message : String(error),
          },
          'a batch of learning events was not confirmed; it is sent again later',
        );
        throw error;
      }
      if (outcome.kind === 'refused') {
        // The platform will never take these (we validated them, so this is a platform-side rule):
        // kept in the table as delivered so they do not block the learner's later events, and logged.
        logger.error(
          {
            label: label.requestId,
            status: outcome.status,
            events: events.length,
          },
          'knewton refused learning events; they are not resent',
        );
      }
      await markDelivered(
        events.map((event) => event.seq),
        renewedAt + leaseMs,
        label.requestId,
      );
      delivered = true;
      logger.debug(
        { label: label.requestId, events: events.length, ms: Date.now() - sentAt },
        'learning events delivered',
      );
      return true;
    } finally {
      const live = await outbox.releaseLearner(appUserId, claim).catch(() => true);
      if (delivered && !live) {
        // Only a store slower than half the lease gets here; said so that the duplicate it may cause
        // is explained.
        logger.warn(
          { label: label.requestId },
          'the lease ran out before the outbox update; another process may send these events again',
        );
      }
    }
  }

  /**
   * The outbox update after the platform's 204, tried again on a store failure while the lease lasts:
   * an update that fails (say, no free pool connection within its timeout on a saturated store) leaves
   * events the platform has to be sent again, a copy no crash would explain.
   */
  async function markDelivered(seqs: string[], leaseEndsAt: number, label: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await outbox.markDelivered(seqs);
        return;
      } catch (error) {
        const pauseMs = 250 * attempt;
        if (attempt >= 3 || Date.now() + pauseMs >= leaseEndsAt - minCallBudgetMs) {
          logger.warn(
            { label, events: seqs.length, reason: (error as Error).name },
            'the platform took a batch of learning events but the outbox update failed; they may be sent again',
          );
          throw error;
        }
        await sleep(systemClock, pauseMs);
      }
    }
  }

  /** Delivered events past the dedup window go, a bounded batch at most once a minute per process. */
  async function prune(): Promise<void> {
    // A window shorter than the prune period (tests) is pruned as often as it is long.
    if (Date.now() - prunedAt < Math.min(pruneEveryMs, dedupWindowMs)) return;
    prunedAt = Date.now();
    try {
      await outbox.pruneDelivered(dedupWindowMs, pruneBatch);
    } catch (error) {
      // Housekeeping: a failed prune must not fail the pass (and pause delivery); it runs again next time.
      logger.warn({ reason: (error as Error).name }, 'pruning delivered learning events failed');
    }
  }

  /** One pass; `busy` when it found learners to deliver, `reachedPlatform` when any call got an answer. */
  async function pass(): Promise<{ busy: boolean; reachedPlatform: boolean }> {
    await leasesReset;
    await prune();
    const now = Date.now();
    for (const [learner, until] of waitingUntil) if (until <= now) waitingUntil.delete(learner);
    const held = new Set(waitingUntil.keys());
    for (const [learner, { until }] of backingOff) if (until > now) held.add(learner);
    const learners = (await outbox.learnersWithPending(learnersPerPass + held.size))
      .filter((learner) => !held.has(learner))
      .slice(0, learnersPerPass);
    let succeeded = 0;
    let failed = 0;
    let lastFailure: unknown;
    let storeFailure: unknown;
    // While the loop is paused for a failing platform, one learner probes it: one failure and no success
    // is enough to stay paused. Otherwise two learners failing and none getting through is the platform.
    const paused = failures > 0;
    const limit = pLimit(paused ? 1 : concurrency);
    const platformDown = () => failed >= (paused ? 1 : 2) && succeeded === 0;
    await Promise.all(
      learners.map((learner) =>
        limit(async () => {
          // The store failing is everyone's problem, and a platform that fails everyone is down: no
          // further calls in this pass.
          if (closed || storeFailure !== undefined || platformDown()) return;
          try {
            // Only an answer from the platform counts as getting through: a learner merely waiting for
            // their next call counted too, and in an outage every pass after the first ran at full width.
            if (await deliverLearner(learner)) {
              succeeded++;
              backingOff.delete(learner);
            }
          } catch (error) {
            if (!isKnewtonUnavailableError(error)) {
              storeFailure ??= error;
              return;
            }
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
        }),
      ),
    );
    if (storeFailure !== undefined) throw storeFailure;
    if (platformDown()) throw lastFailure;
    return { busy: learners.length > 0, reachedPlatform: succeeded > 0 || failed > 0 };
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
      ({ busy, reachedPlatform }) => {
        // A pass in which every learner with events was still backing off (or waiting for their next
        // call) learnt nothing about the platform: an outage stays an outage, probed one learner at a time.
        if (reachedPlatform) failures = 0;
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
