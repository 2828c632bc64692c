import { FailureGate, type FailureGateOptions } from './FailureGate.js';

/**
 * The failure gate's timing options; which rejections count and the probing before the first answer
 * are the token endpoint's own (below).
 */
export type TokenRequestGateOptions = Omit<
  FailureGateOptions,
  'probeBeforeFirstAnswer' | 'failuresBeforePause' | 'isFailure'
>;

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
