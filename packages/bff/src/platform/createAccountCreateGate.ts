import type { Clock } from '../clock.js';
import { isKnewtonUnavailableError, KnewtonUnavailableError } from '../errors.js';
import type { PlatformCall } from './createCallPolicy.js';
import { FailureGate } from './FailureGate.js';
import type { PacerSlot } from './slidingWindowPacer.js';

/** The account creates (single and batch) behind one gate; see {@link createAccountCreateGate}. */
export interface AccountCreateGate {
  /**
   * Sends `request` when the gate allows. Turned away (a pause is running), the caller's pacing `slot`
   * is released, nothing having been sent, and the rejection says how long the pause has left.
   */
  send<T>(
    what: string,
    slot: PacerSlot | undefined,
    request: (onUnavailable: PlatformCall['onUnavailable']) => Promise<T>,
  ): Promise<T>;
}

/**
 * Only unavailability closes the gate: a 5xx, a timeout, no connection (no status). A 4xx is the
 * platform answering about this one request, and a 429 has its own handling in the call policy.
 */
function isUnavailability(error: unknown): boolean {
  if (!isKnewtonUnavailableError(error)) return false;
  if ((error as { batchUnavailable?: boolean }).batchUnavailable) return false;
  return error.status === undefined || error.status >= 500;
}

/**
 * A failure gate over `POST /v0/accounts` and `POST /v0/batch` together (one platform behind both):
 * while creates succeed they all go at once; after a create failed for unavailability one create at
 * a time probes the platform after a growing pause, and callers arriving meanwhile fail at once with
 * the pause left as `Retry-After`. Without it every waiting user's retry was a call (and, under the
 * call policy, three), so a warm BFF sent hundreds of calls into a 30 s outage; with it a handful.
 */
export function createAccountCreateGate(
  clock: Clock,
  signal: AbortSignal | undefined,
): AccountCreateGate {
  // The same pauses as the token gate's (1 s doubling to 8 s); `maxWaitMs` 0: a caller is answered at
  // once rather than held, since the provisioner's line and the route's Retry-After already pace users.
  const gate = new FailureGate({
    clock,
    signal,
    maxWaitMs: 0,
    // A failure or two in a row (a lost answer, a blip, and the create that repairs it) only make
    // the next create a probe: it goes at once. From the third the pauses begin.
    failuresBeforePause: 2,
    probeBeforeFirstAnswer: false,
    isFailure: isUnavailability,
  });
  return {
    async send(what, slot, request) {
      let sent = false;
      try {
        return await gate.send(what, (failed) => {
          sent = true;
          // The first failed attempt closes the gate: its resends would fail alike.
          return request(({ status }) =>
            failed(new KnewtonUnavailableError(`Knewton ${what} failed`, { status })),
          );
        });
      } catch (error) {
        if (!sent) slot?.release();
        throw error;
      }
    },
  };
}
