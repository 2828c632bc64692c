import { type Clock, sleep } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import { backoffDelayMs } from './backoff.js';

export interface TokenRequestGateOptions {
  clock: Clock;
  /** Aborting it ends a wait early and keeps the aborted request from counting as a failure. */
  signal?: AbortSignal | undefined;
  /** The first pause after a failed token request; each further failure doubles it. @default 1000 */
  firstPauseMs?: number;
  /** @default 30000 */
  maxPauseMs?: number;
  /**
   * A caller meeting a pause that ends within this waits for it (and for the request that follows)
   * rather than being told to come back: an outage answer's `Retry-After` would be as long. @default 2000
   */
  maxWaitMs?: number;
  /** @default Math.random */
  random?: () => number;
}

/**
 * Decides when a token request may go out. Once the token endpoint has answered, and as long as it
 * keeps answering, every request goes at once. Before its first answer and after a failure (5xx, 429,
 * timeout, no connection) only one request is out at a time, the probe: callers of other scopes wait
 * for it and share its failure. After a failure the next probe waits a pause (exponential with
 * jitter); a caller arriving while the pause has more than `maxWaitMs` to run fails at once with the
 * time left as `retryAfterSeconds`. So an outage that starts before any token is held costs the
 * platform a handful of requests, whatever the number of callers and scopes.
 */
export class TokenRequestGate {
  readonly #options: TokenRequestGateOptions;
  #answered = false;
  #failures = 0;
  #pauseEndsAt = 0;
  #lastStatus: number | undefined;
  #probe: Promise<unknown> | undefined;

  constructor(options: TokenRequestGateOptions) {
    this.#options = options;
  }

  /** Milliseconds until the next probe may go out (0: now). */
  pauseLeftMs(): number {
    return Math.max(0, this.#pauseEndsAt - this.#options.clock.now());
  }

  /** Sends `request` when the gate allows; a rejection other than a shutdown counts as a failure. */
  async send<T>(what: string, request: () => Promise<T>): Promise<T> {
    const { clock, signal, maxWaitMs = 2_000 } = this.#options;
    for (;;) {
      if (this.#answered && this.#failures === 0) return this.#track(request());
      if (this.#probe) {
        // Its failure is ours too: we would have asked the same endpoint at the same moment.
        await this.#probe;
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
      const probe = this.#track(request());
      this.#probe = probe;
      const clear = () => {
        if (this.#probe === probe) this.#probe = undefined;
      };
      probe.then(clear, clear);
      return probe;
    }
  }

  async #track<T>(sent: Promise<T>): Promise<T> {
    try {
      const answer = await sent;
      this.#answered = true;
      this.#failures = 0;
      this.#pauseEndsAt = 0;
      this.#lastStatus = undefined;
      return answer;
    } catch (error) {
      if (!this.#options.signal?.aborted) {
        const { clock, firstPauseMs = 1_000, maxPauseMs = 30_000, random } = this.#options;
        this.#failures++;
        this.#lastStatus = (error as { status?: number } | undefined)?.status;
        this.#pauseEndsAt =
          clock.now() + backoffDelayMs(this.#failures, firstPauseMs, maxPauseMs, random);
      }
      throw error;
    }
  }
}
