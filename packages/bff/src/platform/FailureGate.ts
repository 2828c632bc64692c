import { type Clock, sleep } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import { backoffDelayMs } from './backoff.js';

export interface FailureGateOptions {
  clock: Clock;
  /** Aborting it ends a wait early and keeps the aborted request from counting as a failure. */
  signal?: AbortSignal | undefined;
  /** The first pause after a failed request; each further failure doubles it. @default 1000 */
  firstPauseMs?: number;
  /**
   * The longest pause: how late, at worst, the gate notices that the endpoint is back. At 8 s a long
   * outage costs one probe every 4–8 s (equal jitter), far below the platform's limits. @default 8000
   */
  maxPauseMs?: number;
  /**
   * A caller meeting a pause that ends within this waits for it (and for the request that follows)
   * rather than being told to come back. @default 2000
   */
  maxWaitMs?: number;
  /** @default Math.random */
  random?: () => number;
  /**
   * Failures in a row after which the pauses start; before, the gate only keeps requests to one at a
   * time, so a single lost answer or blip costs the next caller nothing. @default 0
   */
  failuresBeforePause?: number;
  /**
   * Whether requests go one at a time until the endpoint first answers (true), or all at once until it
   * first fails (false). @default true
   */
  probeBeforeFirstAnswer?: boolean;
  /** Which rejections close the gate; the others are answers. @default every rejection */
  isFailure?: (error: unknown) => boolean;
}

/**
 * Decides when a request to one endpoint may go out, so that an endpoint that keeps failing sees a
 * handful of requests whatever the number of callers. While the endpoint answers every request goes at
 * once. After a failure only one request is out at a time, the probe: other callers wait for it and
 * share its failure. The next probe waits a pause (exponential with jitter); a caller arriving while
 * the pause has more than `maxWaitMs` to run fails at once with the time left as `retryAfterSeconds`.
 * A success opens the gate again. Failures of requests sent before the gate closed count once between
 * them: a burst of callers failing together is one failure, not a jump to the longest pause.
 *
 * One class for the token requests (`TokenRequestGate`) and the account creates
 * (`createAccountCreateGate`), so both endpoints back off alike and answer an outage the same way.
 * Kept in the kit rather than taken from a circuit-breaker library (opossum, cockatiel): it must read
 * the injected clock (the tests and the bench drive a fake one), answer the pause left as
 * `Retry-After`, and hand one probe's failure to the callers waiting on it, in about 80 lines of logic.
 */
export class FailureGate {
  readonly #options: FailureGateOptions;
  #answered: boolean;
  #failures = 0;
  /** Bumped at each counted failure and each success: a request counts only failures of its own epoch. */
  #epoch = 0;
  #pauseEndsAt = 0;
  #lastStatus: number | undefined;
  #probe: Promise<unknown> | undefined;

  constructor(options: FailureGateOptions) {
    this.#options = options;
    this.#answered = !(options.probeBeforeFirstAnswer ?? true);
  }

  /** Milliseconds until the next probe may go out (0: now). */
  pauseLeftMs(): number {
    return Math.max(0, this.#pauseEndsAt - this.#options.clock.now());
  }

  /**
   * Sends `request` when the gate allows; a rejection that `isFailure` accepts closes the gate. The
   * request may close it earlier through `failed`, e.g. at a failed attempt it is about to resend, so
   * that callers arriving during its resends are turned away already.
   */
  async send<T>(
    what: string,
    request: (failed: (error: unknown) => void) => Promise<T>,
  ): Promise<T> {
    const { clock, signal, maxWaitMs = 2_000 } = this.#options;
    for (;;) {
      if (this.#answered && this.#failures === 0) return this.#track(request);
      if (this.#probe) {
        // Its failure is ours too: we would have asked the same endpoint at the same moment. Its
        // answer (a rejection that is no failure, such as a 4xx) was its own: then we go on.
        try {
          await this.#probe;
        } catch (error) {
          if (this.#isFailure(error)) throw error;
        }
        continue;
      }
      const leftMs = this.pauseLeftMs();
      if (leftMs > maxWaitMs) {
        const seconds = Math.max(1, Math.ceil(leftMs / 1000));
        throw new KnewtonUnavailableError(
          `Knewton ${what} failed ${this.#failures} times in a row; not asking again for ${seconds} s`,
          { status: this.#lastStatus, retryAfterSeconds: seconds },
        );
      }
      if (leftMs > 0 && !signal?.aborted) {
        await sleep(clock, leftMs, signal);
        continue;
      }
      const probe = this.#track(request);
      this.#probe = probe;
      const clear = () => {
        if (this.#probe === probe) this.#probe = undefined;
      };
      probe.then(clear, clear);
      return probe;
    }
  }

  #isFailure(error: unknown): boolean {
    return this.#options.isFailure?.(error) ?? true;
  }

  async #track<T>(request: (failed: (error: unknown) => void) => Promise<T>): Promise<T> {
    const epoch = this.#epoch;
    const failed = (error: unknown) => this.#failed(epoch, error);
    try {
      const answer = await request(failed);
      this.#answered = true;
      this.#failures = 0;
      this.#epoch++;
      this.#pauseEndsAt = 0;
      this.#lastStatus = undefined;
      return answer;
    } catch (error) {
      failed(error);
      throw error;
    }
  }

  /** Counts a failure of a request sent in `epoch`, unless one of that epoch was counted already. */
  #failed(epoch: number, error: unknown): void {
    if (this.#options.signal?.aborted || epoch !== this.#epoch || !this.#isFailure(error)) return;
    const { clock, firstPauseMs = 1_000, maxPauseMs = 8_000, random } = this.#options;
    const paused = this.#failures + 1 - (this.#options.failuresBeforePause ?? 0);
    this.#failures++;
    this.#epoch++;
    this.#lastStatus = (error as { status?: number } | undefined)?.status;
    this.#pauseEndsAt =
      paused > 0 ? clock.now() + backoffDelayMs(paused, firstPauseMs, maxPauseMs, random) : 0;
  }
}
