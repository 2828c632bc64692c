import pLimit from 'p-limit';
import { type Clock, sleep } from '../clock.js';
import type { Logger } from '../logger.js';
import type { LearningCalls } from '../platform/createLearningCalls.js';
import type { AccountStore } from '../store/AccountStore.js';
import type { EventOutboxQueries } from '../store/eventOutboxQueries.js';
import type { Registrar } from './createRegistrar.js';
import type { LearnerCallWindows } from './LearnerCallWindows.js';
import { RefusalSplitting } from './RefusalSplitting.js';

/**
 * Below this (or a quarter of the lease, if shorter) a call's budget is not worth sending: the store was
 * slow since the renewal, and the learner is claimed afresh later.
 */
const minCallBudgetMs = 1_000;
/** First registrations run at once in the background (they queue for the platform's pace anyway). */
const backgroundRegistrations = 4;

/** Why a learner's events were not sent this time; none of these says anything about the platform. */
export type NotSentReason =
  | 'claimed-elsewhere'
  | 'no-account'
  | 'lease-lost'
  | 'nothing-pending'
  | 'registering'
  | 'call-budget-too-short'
  | 'waiting-for-call-slot';

export type LearnerBatchOutcome =
  /** The platform answered: took the events, or refused them for good (`refused`); either way done. */
  { answered: true; events: number; refused: boolean } | { answered: false; reason: NotSentReason };

export interface LearnerBatchDeps {
  /** Called with each dead-lettered batch's size and the platform's status (metrics). */
  onDeadLettered?(events: number, status: number): void;
  /**
   * Learners whose first registration runs in the background (shared with the pass, which skips them):
   * a registration waits for the platform's 375 a minute, and must not hold a delivery slot meanwhile.
   */
  registering: Set<string>;
  /** A learner's background registration failed: that learner backs off. */
  registrationFailed(appUserId: string, error: unknown): void;

  store: AccountStore;
  outbox: EventOutboxQueries;
  calls: LearningCalls;
  registrar: Registrar;
  windows: LearnerCallWindows;
  logger: Logger;
  clock: Clock;
  /** This process's lease owner id; each claim adds its own number (the fencing token). */
  owner: string;
  leaseMs: number;
}

/**
 * One learner's delivery: claim the learner's lease, register them if needed, renew the lease, read their
 * oldest events (up to 500, in acceptance order), send them with `batch-events` and the learner's own token
 * under a hard budget of half the lease, mark them delivered and release the lease. Throws when the call
 * failed (`KnewtonUnavailableError`) or the store did.
 *
 * No call is ever under way once its lease could have been taken over (the budget ends before the lease),
 * so a copy is sent again only when an answer never reached the outbox (a crash between the platform's 204
 * and the update, or a call abandoned after the platform took it: there is no idempotency key). Each call
 * carries `request-label: outbox-<pid>-<claim>` and is logged with it, so a duplicate can be traced.
 */
export function createLearnerBatchDelivery(
  deps: LearnerBatchDeps,
): (appUserId: string) => Promise<LearnerBatchOutcome> {
  const { store, outbox, calls, registrar, windows, logger, clock, owner, leaseMs } = deps;
  const sizes = new RefusalSplitting();
  const registrations = pLimit(backgroundRegistrations);
  let claims = 0;

  /** Registers the learner off the delivery path; the pass skips them until it is done. */
  function registerInBackground(appUserId: string): void {
    if (deps.registering.has(appUserId)) return;
    deps.registering.add(appUserId);
    void registrations(async () => {
      const account = await store.findByAppUserId(appUserId);
      if (account) await registrar.registrationId(account);
    })
      .catch((error: unknown) => deps.registrationFailed(appUserId, error))
      // The learner is taken again by the next pass (within `intervalMs`).
      .finally(() => deps.registering.delete(appUserId));
  }

  return async function deliverLearnerBatch(appUserId) {
    if (registrar.knownRegistrationId(appUserId) === undefined) {
      registerInBackground(appUserId);
      return { answered: false, reason: 'registering' };
    }
    // A fencing token per claim: a lease this process held before and lost is never mistaken for this one.
    const claimNumber = ++claims;
    const claim = `${owner}:${claimNumber}`;
    const label = { requestId: `outbox-${process.pid}-${claimNumber}` };
    if (!(await outbox.claimLearner(appUserId, claim, leaseMs))) {
      return { answered: false, reason: 'claimed-elsewhere' };
    }
    let delivered = false;
    try {
      const account = await store.findByAppUserId(appUserId);
      if (!account) return { answered: false, reason: 'no-account' };
      // Known (in memory) by now: resolves at once.
      const registrationId = await registrar.registrationId(account);
      // The lease is renewed and the events are read under it. `renewedAt` is taken before the statement:
      // the lease (database time, set later) lasts at least until `renewedAt + leaseMs`.
      const renewedAt = clock.now();
      if (!(await outbox.renewLearner(appUserId, claim, leaseMs))) {
        return { answered: false, reason: 'lease-lost' };
      }
      const events = await outbox.pendingOf(appUserId, sizes.batchSize(appUserId));
      if (events.length === 0) return { answered: false, reason: 'nothing-pending' };
      // Half the lease for the call, the other half for the outbox update and the clocks' drift.
      const callBudgetMs = Math.floor(leaseMs / 2) - (clock.now() - renewedAt);
      if (callBudgetMs < Math.min(minCallBudgetMs, leaseMs / 4)) {
        return { answered: false, reason: 'call-budget-too-short' };
      }
      if (windows.tryTake(appUserId, account.externalId) > 0) {
        return { answered: false, reason: 'waiting-for-call-slot' };
      }
      const sentAt = clock.now();
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
            ms: clock.now() - sentAt,
            reason: error instanceof Error ? error.message : String(error),
          },
          'a batch of learning events was not confirmed; it is sent again later',
        );
        throw error;
      }
      const seqs = events.map((event) => event.seq);
      if (outcome.kind === 'refused') {
        const split = sizes.refused(appUserId, events.length, outcome.status);
        if (split) {
          // Nothing is marked: the same events go again, in smaller batches, until the refused one is alone.
          logger.warn(
            { label: label.requestId, status: outcome.status, events: events.length, next: split },
            'knewton refused a batch of learning events; it is split to find the event at fault',
          );
        } else {
          await withUpdateRetries(
            () => outbox.deadLetter(seqs, outcome.status, outcome.answer),
            renewedAt + leaseMs,
            label.requestId,
          );
          deps.onDeadLettered?.(events.length, outcome.status);
          // Counts and status only: the answer and the events stay in the dead-letter table.
          logger.error(
            { label: label.requestId, status: outcome.status, events: events.length },
            'knewton refused learning events for good; they are in the dead letters, never resent',
          );
          delivered = true;
        }
        return { answered: true, events: events.length, refused: true };
      }
      sizes.delivered(appUserId);
      await withUpdateRetries(
        () => outbox.markDelivered(seqs),
        renewedAt + leaseMs,
        label.requestId,
      );
      delivered = true;
      logger.debug(
        { label: label.requestId, events: events.length, ms: clock.now() - sentAt },
        'learning events delivered',
      );
      return { answered: true, events: events.length, refused: false };
    } finally {
      const live = await outbox.releaseLearner(appUserId, claim).catch(() => true);
      if (delivered && !live) {
        // Only a store slower than half the lease gets here; said so the duplicate it may cause is explained.
        logger.warn(
          { label: label.requestId },
          'the lease ran out before the outbox update; another process may send these events again',
        );
      }
    }
  };

  /**
   * The outbox update after the platform's answer, tried again on a store failure while the lease lasts:
   * an update that fails (no free pool connection on a saturated store) would send the events again.
   */
  async function withUpdateRetries(
    update: () => Promise<unknown>,
    leaseEndsAt: number,
    label: string,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await update();
        return;
      } catch (error) {
        const pauseMs = 250 * attempt;
        if (attempt >= 3 || clock.now() + pauseMs >= leaseEndsAt - minCallBudgetMs) {
          logger.warn(
            { label, reason: (error as Error).name },
            'the platform took a batch of learning events but the outbox update failed; they may be sent again',
          );
          throw error;
        }
        await sleep(clock, pauseMs);
      }
    }
  }
}
