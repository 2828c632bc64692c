import { AccountStoreConflictError, KnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { BatchUnavailableError } from '../platform/BatchUnavailableError.js';
import type { BatchItemOutcome, PlatformClient } from '../platform/createPlatformClient.js';
import { maxBatchSize } from '../platform/platformLimits.js';
import type { PacerSlot } from '../platform/slidingWindowPacer.js';
import type { AccountRow, AccountStore, AccountStoreTransaction } from '../store/AccountStore.js';
import type { ProvisionedAccount, ProvisioningContext } from './types.js';

/** How a queued creation ended: the account was already stored, created now, or repaired (lost answer). */
export interface CreationResult {
  account: ProvisionedAccount;
  outcome: 'existed' | 'created' | 'repaired';
}

/** One user waiting for the platform: everything the create needs, known before it was queued. */
export interface CreationJob {
  appUserId: string;
  externalId: string;
  keyVersion: string;
  context: ProvisioningContext | undefined;
}

interface QueuedJob extends CreationJob {
  /** Arrival number; `seq - dispatched` is the job's place in the line. */
  seq: number;
  /** Taken from the line for a platform call. */
  sent: boolean;
  /** Set when it failed because the platform was unavailable (timeouts, 5xx, no connection). */
  failedUnavailable: boolean;
  resolve(result: CreationResult): void;
  reject(error: unknown): void;
}

export interface AccountCreationQueueOptions {
  platform: PlatformClient;
  store: AccountStore;
  logger: Logger;
  /** Users that may wait for a create at once; beyond it `submit` refuses (503, nothing lost). */
  maxQueued: number;
  /** Platform creates (single or batch) in flight at once; each holds a store lock transaction. */
  maxConcurrent: number;
}

/** A queued user: its place in the line and the promise of its account. */
export interface SubmittedCreation {
  done: Promise<CreationResult>;
  /** Milliseconds until its create is expected to start (0 once it has been sent). */
  expectedStartMs(horizonMs: number): number;
  /** Whether its create has left the line (is at the platform or being written). */
  sent(): boolean;
}

function toAccount(row: AccountRow): ProvisionedAccount {
  return { accountId: row.accountId, createdAt: row.createdAt };
}

/**
 * Every account creation of this process goes through one first-come-first-served line, drained at the
 * platform's documented ceiling: `POST /v0/batch` (up to 50 accounts, 90 calls a minute) whenever two or
 * more users wait, single `POST /v0/accounts` (750 a minute) otherwise and when the batch window is spent;
 * about 5,250 accounts a minute together. Exactly-once is the single path's, per user:
 *
 * - a single create runs under `store.withUserLock` as before;
 * - a batch runs under `store.withFreeUserLocks`: one transaction (one connection on PostgreSQL) holding
 *   the locks of all its users. Users locked elsewhere (another process provisioning them) leave the batch
 *   and take the single path, which waits for that lock and then finds the row;
 * - under the locks every user is re-checked; an item answered 422 duplicate (an earlier answer was lost)
 *   is repaired with the scoped token; a batch whose answer is lost is resent by the client, whose resend
 *   is answered with duplicates and repaired the same way, or, when retries run out, fails its users, whose
 *   next ensure repairs them exactly like a lost single create.
 *
 * Rows are written before a job is answered and (PostgreSQL) answers wait for the commit, so an answered
 * account is always stored.
 */
export class AccountCreationQueue {
  readonly #options: AccountCreationQueueOptions;
  /** FIFO; `#head` avoids an O(n) shift per dispatch on a line of thousands. */
  #line: QueuedJob[] = [];
  #head = 0;
  #arrivals = 0;
  #dispatched = 0;
  readonly #inFlight = new Set<Promise<void>>();
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #platformFailing = false;

  constructor(options: AccountCreationQueueOptions) {
    this.#options = options;
  }

  /** Users waiting for their create to be sent. */
  get waiting(): number {
    return this.#line.length - this.#head;
  }

  /**
   * Whether the last platform create to end was cut short by the platform being unavailable (timeouts,
   * 5xx, no connection); the next one to succeed clears it. A held ensure whose create is still at the
   * platform when its hold is over is then answered 503 rather than `queued`.
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
        { retryAfterSeconds: clampSeconds(this.#estimateMs(this.waiting, 0)) },
      );
    }
    let queued!: QueuedJob;
    const done = new Promise<CreationResult>((resolve, reject) => {
      queued = this.#queuedJob(job, resolve, reject);
    });
    this.#line.push(queued);
    this.#pump();
    return {
      done,
      expectedStartMs: (horizonMs) =>
        queued.sent ? 0 : this.#estimateMs(Math.max(0, queued.seq - this.#dispatched), horizonMs),
      sent: () => queued.sent,
    };
  }

  #queuedJob(
    job: CreationJob,
    resolve: (result: CreationResult) => void,
    reject: (error: unknown) => void,
  ): QueuedJob {
    const queued: QueuedJob = {
      ...job,
      seq: this.#arrivals++,
      sent: false,
      failedUnavailable: false,
      resolve,
      reject(error) {
        queued.failedUnavailable = error instanceof KnewtonUnavailableError;
        reject(error);
      },
    };
    return queued;
  }

  /** An ensure that was already running when the stop began: sent if a slot is free now, else refused. */
  #submitWhileStopping(job: CreationJob): SubmittedCreation {
    const { creationSlots } = this.#options.platform;
    if (this.#inFlight.size >= this.#options.maxConcurrent) throw shuttingDown();
    const slot = creationSlots.tryTakeSingle();
    if (!slot) throw shuttingDown();
    let queued!: QueuedJob;
    const done = new Promise<CreationResult>((resolve, reject) => {
      queued = this.#queuedJob(job, resolve, reject);
    });
    this.#dispatched++;
    queued.sent = true;
    this.#dispatch([queued], 'single', slot);
    return { done, expectedStartMs: () => 0, sent: () => true };
  }

  /**
   * Rough wait before the user `position` places from the head is sent: none while the windows can
   * start that many within `horizonMs`, else the rest at the ceiling's rate.
   */
  #estimateMs(position: number, horizonMs: number): number {
    const { creationSlots } = this.#options.platform;
    const startable = creationSlots.accountsStartableWithin(horizonMs);
    if (position < startable) return 0;
    const perMinute = creationSlots.accountsPerMinute();
    return horizonMs + ((position - startable + 1) / perMinute) * 60_000;
  }

  /** Sends what the windows and the concurrency bound allow now; sets a timer for the next free slot. */
  #pump(): void {
    if (this.#closed) return;
    const { creationSlots } = this.#options.platform;
    while (this.waiting > 0 && this.#inFlight.size < this.#options.maxConcurrent) {
      const waiting = this.waiting;
      // Batch calls are the scarce budget (90 a minute against 750 singles) and carry 50 accounts each,
      // so a batch goes out full, or when the singles of this window are spent; a herd arriving over a
      // few seconds otherwise burns the batch window on batches of two or three.
      const fullBatch = waiting >= maxBatchSize ? creationSlots.tryTakeBatch() : undefined;
      if (fullBatch) {
        this.#dispatch(this.#take(maxBatchSize), 'batch', fullBatch);
        continue;
      }
      const single = creationSlots.tryTakeSingle();
      if (single) {
        this.#dispatch(this.#take(1), 'single', single);
        continue;
      }
      const batch = creationSlots.tryTakeBatch();
      if (batch) {
        this.#dispatch(this.#take(Math.min(maxBatchSize, waiting)), 'batch', batch);
        continue;
      }
      this.#wakeAfter(creationSlots.nextFreeInMs());
      return;
    }
  }

  #wakeAfter(ms: number): void {
    if (this.#wakeTimer !== undefined || !Number.isFinite(ms)) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#pump();
    }, ms);
  }

  #take(count: number): QueuedJob[] {
    const jobs = this.#line.slice(this.#head, this.#head + count);
    this.#head += jobs.length;
    this.#dispatched += jobs.length;
    for (const job of jobs) job.sent = true;
    // Compact now and then, so a long-lived process does not keep every job it ever saw.
    if (this.#head > 1024 && this.#head * 2 > this.#line.length) {
      this.#line = this.#line.slice(this.#head);
      this.#head = 0;
    }
    return jobs;
  }

  /** Back to the front of the line, in their order (a batch the platform turned out not to offer). */
  #putBack(jobs: QueuedJob[]): void {
    if (this.#closed) {
      for (const job of jobs) job.reject(shuttingDown());
      return;
    }
    for (const job of jobs) job.sent = false;
    this.#line.splice(this.#head, 0, ...jobs);
    this.#dispatched -= jobs.length;
  }

  /** Runs one platform call for `jobs` with the pacing `slot` taken for it. */
  #dispatch(jobs: QueuedJob[], how: 'single' | 'batch', slot: PacerSlot): void {
    const run =
      how === 'single'
        ? this.#runSingle(jobs[0] as QueuedJob, slot)
        : this.#runBatch(jobs, slot).catch((error: unknown) => {
            for (const job of jobs) job.reject(error);
          });
    const tracked = run.finally(() => {
      // Any other failure (a store error, a refused mapping) says nothing about the platform.
      this.#platformFailing = jobs.some((job) => job.failedUnavailable);
      this.#inFlight.delete(tracked);
      if (!this.#closed) this.#pump();
    });
    this.#inFlight.add(tracked);
  }

  /**
   * One user through `POST /v0/accounts` under its lock (waiting for it if another process holds it),
   * with `slot` if the line took one for it (the platform client answers it), else one of its own.
   */
  async #runSingle(job: QueuedJob, slot: PacerSlot | undefined): Promise<void> {
    try {
      const result = await this.#options.store.withUserLock(job.appUserId, async (tx) => {
        const raced = await tx.findByAppUserId(job.appUserId);
        if (raced) return { account: toAccount(raced), outcome: 'existed' as const };
        const created = await this.#options.platform.createAccount(
          job.externalId,
          job.context,
          slot ? { slot } : undefined,
        );
        return this.#write(tx, job, created);
      });
      job.resolve(result);
    } catch (error) {
      job.reject(error);
    } finally {
      // Not sent (the row was there, the store failed first): free at once, not held a window.
      slot?.release();
    }
  }

  /** Up to 50 users through `POST /v0/batch` in one lock transaction. */
  async #runBatch(jobs: QueuedJob[], slot: PacerSlot): Promise<void> {
    const { store, platform } = this.#options;
    let busy: QueuedJob[] = [];
    const settled: Array<() => void> = [];
    try {
      await store.withFreeUserLocks(
        jobs.map((job) => job.appUserId),
        async (tx, locked) => {
          const lockedIds = new Set(locked);
          busy = jobs.filter((job) => !lockedIds.has(job.appUserId));
          const mine = jobs.filter((job) => lockedIds.has(job.appUserId));
          const rows = new Map(
            (await tx.findManyByAppUserIds(mine.map((job) => job.appUserId))).map((row) => [
              row.appUserId,
              row,
            ]),
          );
          const toCreate: QueuedJob[] = [];
          for (const job of mine) {
            const row = rows.get(job.appUserId);
            if (row)
              settled.push(() => job.resolve({ account: toAccount(row), outcome: 'existed' }));
            else toCreate.push(job);
          }
          if (toCreate.length === 0) return;
          const outcomes = await platform.createAccounts(
            toCreate.map((job) => job.externalId),
            toCreate[0]?.context,
            { slot },
          );
          // Repairs (scoped token requests) run side by side; the rows are then written in one statement
          // (one round trip on PostgreSQL, one commit on PGlite, whose statements run synchronously in
          // WASM on the event loop: 50 inserts one after another held every other request meanwhile).
          const prepared = await Promise.all(
            toCreate.map((job, index) =>
              this.#recoverItem(job, outcomes[index] as BatchItemOutcome).then(
                (value) => ({ job, value }),
                (error: unknown) => ({ job, error }),
              ),
            ),
          );
          const writable: Array<{
            job: QueuedJob;
            value: { accountId: string; outcome: 'created' | 'repaired' };
          }> = [];
          for (const entry of prepared) {
            if ('error' in entry) settled.push(() => entry.job.reject(entry.error));
            else writable.push(entry);
          }
          if (writable.length === 0) return;
          // A mapping clash (broken mapper) fails its user only: the insert is `on conflict do nothing`,
          // so it does not abort the transaction. Any other store error ends the batch.
          const written = await tx.insertMany(
            writable.map(({ job, value }) => ({
              appUserId: job.appUserId,
              externalId: job.externalId,
              keyVersion: job.keyVersion,
              accountId: value.accountId,
            })),
          );
          writable.forEach(({ job, value }, index) => {
            const row = written[index];
            if (row === undefined || row instanceof AccountStoreConflictError) {
              settled.push(() => job.reject(row ?? new Error('the batch insert returned no row')));
              return;
            }
            this.#logWritten(job, value.accountId, value.outcome);
            settled.push(() => job.resolve({ account: toAccount(row), outcome: value.outcome }));
          });
        },
      );
    } catch (error) {
      slot.release();
      if (error instanceof BatchUnavailableError) {
        // Nothing was created; the client logged the switch once. Same users, same order, one at a time.
        this.#putBack(jobs);
        return;
      }
      throw error;
    }
    // Unsent when every user was stored already (after an answer, a no-op).
    slot.release();
    // Answers only after the transaction committed: an answered account is a stored one.
    for (const answer of settled) answer();
    // Locked by another process: wait for its lock, then (almost always) find its row.
    await Promise.all(busy.map((job) => this.#runSingle(job, undefined)));
  }

  async #recoverItem(
    job: QueuedJob,
    item: BatchItemOutcome,
  ): Promise<{ accountId: string; outcome: 'created' | 'repaired' }> {
    if (item.kind === 'created') return { accountId: item.accountId, outcome: 'created' };
    if (item.kind === 'duplicate')
      return { accountId: await this.#recover(job), outcome: 'repaired' };
    throw new KnewtonUnavailableError(`Knewton POST /v0/batch: ${item.message}`, {
      status: item.status,
      retryAfterSeconds: 30,
    });
  }

  async #write(
    tx: AccountStoreTransaction,
    job: QueuedJob,
    created: Awaited<ReturnType<PlatformClient['createAccount']>>,
  ): Promise<CreationResult> {
    // The single path's last store call: on PostgreSQL its insert and COMMIT are one round trip.
    if (created.kind === 'created')
      return this.#insert(tx, job, created.accountId, 'created', true);
    return this.#insert(tx, job, await this.#recover(job), 'repaired', true);
  }

  async #insert(
    tx: AccountStoreTransaction,
    job: QueuedJob,
    accountId: string,
    outcome: 'created' | 'repaired',
    last = false,
  ): Promise<CreationResult> {
    const newRow = {
      appUserId: job.appUserId,
      externalId: job.externalId,
      keyVersion: job.keyVersion,
      accountId,
    };
    // Nothing after `insertLast` may fail: the log call below never throws.
    const row = await (last ? tx.insertLast(newRow) : tx.insert(newRow));
    this.#logWritten(job, accountId, outcome);
    return { account: toAccount(row), outcome };
  }

  #logWritten(job: QueuedJob, accountId: string, outcome: 'created' | 'repaired'): void {
    const requestId = job.context?.requestId;
    if (outcome === 'created')
      this.#options.logger.info({ accountId, requestId }, 'knewton account created');
    else
      this.#options.logger.warn(
        {
          accountId,
          requestId,
        },
        'knewton account recovered after a lost create',
      );
  }

  /** The id of an account whose create answer was lost earlier: a token request scoped to its external id. */
  async #recover(job: QueuedJob): Promise<string> {
    const accountId = await this.#options.platform.findAccountIdByExternalId(
      job.externalId,
      job.context,
    );
    if (accountId === undefined) {
      throw new KnewtonUnavailableError(
        'Knewton reported a duplicate account but the scoped token found none',
        { retryAfterSeconds: 5 },
      );
    }
    return accountId;
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
    clearTimeout(this.#wakeTimer);
    const left = this.#line.slice(this.#head);
    this.#line = [];
    this.#head = 0;
    for (const job of left) job.reject(shuttingDown());
  }

  /** Cuts every platform call in flight short (their lock transactions roll back; nothing is written). */
  abort(): void {
    this.#options.logger.warn(
      {
        inFlight: this.#inFlight.size,
      },
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

/** `Retry-After` seconds: at least 1, at most a minute (the client asks again and learns more). */
export function clampSeconds(ms: number): number {
  return Math.min(60, Math.max(1, Math.ceil(ms / 1000)));
}
