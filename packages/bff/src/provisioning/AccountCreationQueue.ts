import { type Clock, systemClock } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PlatformClient } from '../platform/createPlatformClient.js';
import type { AccountStore } from '../store/AccountStore.js';
import type { CreationJob, QueuedJob, SubmittedCreation } from './CreationJob.js';
import { CreationLine } from './CreationLine.js';
import { type CreationCall, CreationScheduler } from './CreationScheduler.js';
import { createBatch } from './createBatch.js';
import { createSingle } from './createSingle.js';
import {
  type CallConcurrency,
  estimateCreationWaitMs,
  toRetryAfterSeconds,
} from './estimateCreationWait.js';

/** Calls whose durations make the estimate's `callMs`: recent enough to follow a platform slowing down. */
const callsAveraged = 16;

export interface AccountCreationQueueOptions {
  platform: PlatformClient;
  store: AccountStore;
  logger: Logger;
  /** Users that may wait for a create at once; beyond it `submit` refuses (503, nothing lost). */
  maxQueued: number;
  /** Platform creates (single or batch) in flight at once; each holds a store lock transaction. */
  maxConcurrent: number;
  /** For tests. @default systemClock */
  clock?: Clock;
}

/**
 * Every account creation of this process waits in one first-come-first-served line (`CreationLine`),
 * drained at the platform's documented ceiling, single creates and batches together, about 5,250
 * accounts a minute (`CreationScheduler` chooses each call). Exactly once per user, whoever else tries:
 * a single create runs under the user's store lock (`createSingle`), a batch under the locks of all its
 * users (`createBatch`); a create whose answer was lost is repaired through the scoped token
 * (`repairLostCreate`). Rows are written before a user is answered, so an answered account is stored.
 */
export class AccountCreationQueue {
  readonly #options: AccountCreationQueueOptions;
  readonly #line: CreationLine;
  readonly #scheduler: CreationScheduler;
  /** Each call in flight, with when it started on the clock. */
  readonly #inFlight = new Map<Promise<void>, number>();
  readonly #recentCallMs: number[] = [];
  readonly #clock: Clock;
  #closed = false;
  #platformFailing = false;

  constructor(options: AccountCreationQueueOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#line = new CreationLine(options.clock);
    this.#scheduler = new CreationScheduler({
      slots: options.platform.creationSlots,
      wake: () => this.#pump(),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  }

  /** Users waiting for their create to be sent. */
  get waiting(): number {
    return this.#line.waiting;
  }

  /**
   * Whether the last platform create to end was cut short by the platform being unavailable (timeouts,
   * 5xx, no connection); the next one to succeed clears it. A held ensure uses it to tell an outage
   * (503) from a slow create (`queued`).
   */
  get platformFailing(): boolean {
    return this.#platformFailing;
  }

  /** Milliseconds a user joining the line now would wait for its create to start. */
  expectedWaitMs(): number {
    return this.#estimateMs(this.waiting, 0);
  }

  /** Puts one user in line; throws `KnewtonUnavailableError` (Retry-After) when the line is full or closed. */
  submit(job: CreationJob): SubmittedCreation {
    if (this.#closed) return this.#submitWhileStopping(job);
    if (this.waiting >= this.#options.maxQueued) {
      throw new KnewtonUnavailableError(
        `Knewton account creation is at the platform's rate limit and ${this.waiting} users are already waiting; try again later`,
        { retryAfterSeconds: toRetryAfterSeconds(this.#estimateMs(this.waiting, 0)) },
      );
    }
    const { queued, done } = this.#line.join(job);
    this.#pump();
    return {
      done,
      expectedStartMs: (horizonMs) =>
        queued.sent ? 0 : this.#estimateMs(this.#line.placeOf(queued), horizonMs),
      sent: () => queued.sent,
    };
  }

  /** An ensure that was already running when the stop began: sent if a slot is free now, else refused. */
  #submitWhileStopping(job: CreationJob): SubmittedCreation {
    if (this.#inFlight.size >= this.#options.maxConcurrent) throw shuttingDown();
    const slot = this.#scheduler.singleNow();
    if (!slot) throw shuttingDown();
    const { queued, done } = this.#line.skip(job);
    this.#dispatch([queued], { kind: 'single', slot });
    return { done, expectedStartMs: () => 0, sent: () => true };
  }

  #estimateMs(position: number, horizonMs: number): number {
    return estimateCreationWaitMs(
      this.#options.platform.creationSlots,
      position,
      horizonMs,
      this.#concurrency(),
    );
  }

  /** The bound on calls in flight, with the recent calls' average duration as each one's expected length. */
  #concurrency(): CallConcurrency {
    const recent = this.#recentCallMs;
    const callMs =
      recent.length === 0 ? 0 : recent.reduce((sum, ms) => sum + ms, 0) / recent.length;
    const now = this.#clock.now();
    return {
      max: this.#options.maxConcurrent,
      inFlightEndsInMs: [...this.#inFlight.values()].map((startedAt) =>
        Math.max(0, startedAt + callMs - now),
      ),
      callMs,
    };
  }

  /** Sends what the windows and the concurrency bound allow now; the scheduler wakes it for the rest. */
  #pump(): void {
    if (this.#closed) return;
    while (this.waiting > 0 && this.#inFlight.size < this.#options.maxConcurrent) {
      const call = this.#scheduler.next(this.waiting, this.#line.headWaitedMs());
      if (!call) return;
      this.#dispatch(this.#line.take(call.kind === 'single' ? 1 : call.size), call);
    }
  }

  /** Runs one platform call for `jobs` with the pacing slot the scheduler took for it. */
  #dispatch(jobs: QueuedJob[], call: CreationCall): void {
    const run =
      call.kind === 'single'
        ? createSingle(this.#options, jobs[0] as QueuedJob, call.slot)
        : createBatch(this.#options, jobs, call.slot).then(
            (sent) => {
              // Same users, same order, one at a time from now on.
              if (sent === 'no batch endpoint') this.#putBack(jobs);
            },
            (error: unknown) => {
              for (const job of jobs) job.reject(error);
            },
          );
    const startedAt = this.#clock.now();
    const tracked = run.finally(() => {
      // Any other failure (a store error, a refused mapping) says nothing about the platform.
      this.#platformFailing = jobs.some((job) => job.failedUnavailable);
      this.#inFlight.delete(tracked);
      this.#recentCallMs.push(this.#clock.now() - startedAt);
      if (this.#recentCallMs.length > callsAveraged) this.#recentCallMs.shift();
      if (!this.#closed) this.#pump();
    });
    this.#inFlight.set(tracked, startedAt);
  }

  #putBack(jobs: QueuedJob[]): void {
    if (this.#closed) {
      for (const job of jobs) job.reject(shuttingDown());
      return;
    }
    this.#line.putBack(jobs);
  }

  /**
   * Stops queueing: what the windows allow right now is still sent, every user left in line is answered
   * at once (503 with Retry-After; their next ensure queues again), and so is anyone submitted from now on
   * who cannot be sent at once. Creates already sent go on; `abort` cuts them short.
   */
  stopQueueing(): void {
    if (this.#closed) return;
    this.#pump();
    this.#closed = true;
    this.#scheduler.stop();
    for (const job of this.#line.clear()) job.reject(shuttingDown());
  }

  /** Cuts every platform call in flight short (their lock transactions roll back; nothing is written). */
  abort(): void {
    this.#options.logger.warn(
      { inFlight: this.#inFlight.size },
      'knewton creates still running after the grace period; cutting them short',
    );
    this.#options.platform.abort();
  }
}

function shuttingDown(): KnewtonUnavailableError {
  return new KnewtonUnavailableError('The BFF is shutting down; try again in a moment', {
    retryAfterSeconds: 5,
  });
}
