import { type Clock, systemClock } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import type { CreationJob, CreationResult, QueuedJob } from './CreationJob.js';

/** First come, first served: the users waiting for their create, in arrival order. */
export class CreationLine {
  /** `#head` avoids an O(n) shift per take on a line of thousands. */
  #entries: QueuedJob[] = [];
  #head = 0;
  #arrivals = 0;
  #taken = 0;

  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** Users waiting for their create to be sent. */
  get waiting(): number {
    return this.#entries.length - this.#head;
  }

  /** Milliseconds the user at the head of the line has waited (0 when nobody waits). */
  headWaitedMs(): number {
    const head = this.#entries[this.#head];
    return head === undefined ? 0 : this.#clock.now() - head.joinedAt;
  }

  /** Puts `job` at the end of the line. */
  join(job: CreationJob): { queued: QueuedJob; done: Promise<CreationResult> } {
    const joined = this.#enter(job);
    this.#entries.push(joined.queued);
    return joined;
  }

  /** Takes `job` out at once, ahead of everyone (the shutdown path sends it now or not at all). */
  skip(job: CreationJob): { queued: QueuedJob; done: Promise<CreationResult> } {
    const joined = this.#enter(job);
    this.#taken++;
    joined.queued.sent = true;
    return joined;
  }

  /** Users ahead of `job` (0 at the head). */
  placeOf(job: QueuedJob): number {
    return Math.max(0, job.seq - this.#taken);
  }

  /** Takes up to `count` users from the head for one platform call. */
  take(count: number): QueuedJob[] {
    const jobs = this.#entries.slice(this.#head, this.#head + count);
    this.#head += jobs.length;
    this.#taken += jobs.length;
    for (const job of jobs) job.sent = true;
    // Compact now and then, so a long-lived process does not keep every job it ever saw.
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    return jobs;
  }

  /** Back to the head, in their order (a batch the platform turned out not to offer). */
  putBack(jobs: QueuedJob[]): void {
    for (const job of jobs) job.sent = false;
    this.#entries.splice(this.#head, 0, ...jobs);
    this.#taken -= jobs.length;
  }

  /** Empties the line and returns who was in it. */
  clear(): QueuedJob[] {
    const left = this.#entries.slice(this.#head);
    this.#entries = [];
    this.#head = 0;
    return left;
  }

  #enter(job: CreationJob): { queued: QueuedJob; done: Promise<CreationResult> } {
    let queued!: QueuedJob;
    const done = new Promise<CreationResult>((resolve, reject) => {
      queued = {
        ...job,
        seq: this.#arrivals++,
        joinedAt: this.#clock.now(),
        sent: false,
        failedUnavailable: false,
        resolve,
        reject(error) {
          queued.failedUnavailable = error instanceof KnewtonUnavailableError;
          reject(error);
        },
      };
    });
    return { queued, done };
  }
}
