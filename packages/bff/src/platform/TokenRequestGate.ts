import type { Clock } from '../clock.js';
import { FailureGate } from './FailureGate.js';

export interface TokenRequestGateOptions {
  clock: Clock;
  /** Aborting it ends a wait early and keeps the aborted request from counting as a failure. */
  signal?: AbortSignal | undefined;
  /** The first pause after a failed token request; each further failure doubles it. @default 1000 */
  firstPauseMs?: number;
  /** The longest pause (see `FailureGateOptions`). @default 8000 */
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
 * timeout, no connection) only one request is out at a time (a `FailureGate`, the one the account
 * creates use too, so both endpoints back off alike), the probe: callers of other scopes wait
 * for it and share its failure. After a failure the next probe waits a pause (exponential with
 * jitter); a caller arriving while the pause has more than `maxWaitMs` to run fails at once with the
 * time left as `retryAfterSeconds`. So an outage that starts before any token is held costs the
 * platform a handful of requests, whatever the number of callers and scopes.
 */
export class TokenRequestGate extends FailureGate {
  constructor(options: TokenRequestGateOptions) {
    // Every rejection counts (the source treats a 4xx as an answer, not a rejection); one request at a
    // time until the endpoint first answers, so a cold start in an outage costs a handful of requests.
    super({ ...options, probeBeforeFirstAnswer: true });
  }
}
