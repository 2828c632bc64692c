import type { Clock } from '../clock.js';
import { backoffDelayMs } from './backoff.js';

export interface TokenRequestBackoffOptions {
  clock: Clock;
  /** The first pause after a failed token request; each further failure doubles it. @default 1000 */
  firstMs?: number;
  /** @default 30000 */
  capMs?: number;
  /** @default Math.random */
  random?: () => number;
}

/**
 * The pause a token source keeps between failed token requests: exponential with jitter from the
 * first failure, back to none at the first answer. Without it, callers that find no token each make
 * their own request, so an outage met before any token is held costs the platform a request per
 * caller retry; with it, the platform sees a handful of requests whatever the number of callers.
 */
export class TokenRequestBackoff {
  readonly #clock: Clock;
  readonly #firstMs: number;
  readonly #capMs: number;
  readonly #random: () => number;
  #failures = 0;
  #until = 0;
  #lastStatus: number | undefined;

  constructor(options: TokenRequestBackoffOptions) {
    this.#clock = options.clock;
    this.#firstMs = options.firstMs ?? 1_000;
    this.#capMs = options.capMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  /** Token requests that failed in a row. */
  get failures(): number {
    return this.#failures;
  }

  /** The platform's status in the last failure, when it answered at all. */
  get lastStatus(): number | undefined {
    return this.#lastStatus;
  }

  /** Milliseconds until the next token request may go out (0: now). */
  remainingMs(): number {
    return Math.max(0, this.#until - this.#clock.now());
  }

  /** A token request failed (5xx, 429, timeout, no connection): pause longer. */
  failed(status: number | undefined): void {
    this.#failures++;
    this.#lastStatus = status;
    this.#until =
      this.#clock.now() + backoffDelayMs(this.#failures, this.#firstMs, this.#capMs, this.#random);
  }

  /** The token endpoint answered: no pause from now. */
  answered(): void {
    this.#failures = 0;
    this.#until = 0;
    this.#lastStatus = undefined;
  }
}
