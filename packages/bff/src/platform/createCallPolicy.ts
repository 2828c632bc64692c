import { type Clock, sleep } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffDelayMs } from './backoff.js';
import { PlatformTimeoutError } from './createPlatformTransport.js';
import type { PacerSlot, SlidingWindowPacer } from './slidingWindowPacer.js';

/** How many times a call is sent again, per kind of failure. */
export interface RetryRules {
  /** Resends after a 5xx, a timeout or no connection, each after a growing back-off. */
  maxRetries: number;
  /** Resends after a 429 (nothing was processed), each after `X-Knewton-Rate-Delay` or a growing pause. */
  maxRateLimitRetries: number;
  /** The least `retryAfterSeconds` when a 429 ends the call. */
  rateLimitedRetryAfterSeconds: number;
}

export interface CallPolicyOptions {
  clock: Clock;
  logger: Logger;
  /** Aborting it cuts every call and every wait short (shutdown). */
  signal?: AbortSignal | undefined;
  /** The transport's per-attempt timeout, named in messages. */
  timeoutMs: number;
  /** First back-off step after a 5xx or timeout; steps double up to 20 times this. */
  retryBaseDelayMs: number;
  retries: RetryRules;
  /** @default Math.random */
  random?: () => number;
}

/** What one attempt may take under a deadline: the time left as its timeout, the deadline's signal. */
export interface AttemptLimits {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The bearer token of `scope` from a token source; the one refresh after a 401 drops it there. */
export interface BearerTokens {
  token(scope: string, context?: unknown): Promise<string>;
  drop(scope: string, accessToken: string): void;
}

export interface PlatformCall {
  /** `METHOD /v0/path`, for messages and logs. */
  what: string;
  /** Every attempt takes a slot of it first (after the caller's `slot`, which covers the first). */
  pacer?: SlidingWindowPacer | undefined;
  slot?: PacerSlot | undefined;
  /** Sends `Bearer <token of scope>`; a 401 renews that token once and resends. */
  bearer?: { tokens: BearerTokens; scope: string; context?: unknown } | undefined;
  /** A hard limit on the whole call (token wait, attempts and back-offs), from now. */
  budgetMs?: number | undefined;
  /**
   * Told of each attempt that failed for unavailability (a 5xx, a timeout, no connection) before the
   * call backs off and resends or gives up: a gate can turn other callers away during the resends.
   */
  onUnavailable?: ((failure: { status: number | undefined }) => void) | undefined;
  /** One request; `authorization` is the bearer header when `bearer` is given. */
  attempt(authorization: string | undefined, limits: AttemptLimits): Promise<Response>;
}

/** Sends calls under one policy; see {@link createCallPolicy}. */
export interface CallPolicy {
  /** The answer worth interpreting (2xx or a final 4xx), or a `KnewtonUnavailableError`. */
  send(call: PlatformCall): Promise<Response>;
  /** After shutdown: every call ends with the same clear error, the HTTP layer answers 503. */
  throwIfAborted(what: string, cause?: unknown): void;
}

interface Deadline {
  ms: number;
  endsAt: number;
  signal: AbortSignal;
}

/**
 * The one retry policy of every platform call, as the platform documents it: a 401 renews the token and
 * resends once; a 429 waits (`X-Knewton-Rate-Delay` or a growing pause) and resends within its own
 * budget; a 5xx, a timeout or no connection backs off and resends within `maxRetries`; other 4xx are
 * final. A pacing slot is held per attempt: answered when the attempt ends however it ends (it may have
 * arrived), released if it was never sent. `retries` of 0 make one attempt (plus the 401 renewal).
 */
export function createCallPolicy(options: CallPolicyOptions): CallPolicy {
  const { clock, logger, signal, timeoutMs, retryBaseDelayMs, retries } = options;
  const random = options.random ?? Math.random;
  const capDelayMs = retryBaseDelayMs * 20;

  function throwIfAborted(what: string, cause?: unknown): void {
    if (!signal?.aborted) return;
    throw new KnewtonUnavailableError(`Knewton ${what} cut short: the BFF is shutting down`, {
      cause,
      retryAfterSeconds: 5,
    });
  }

  async function send(call: PlatformCall): Promise<Response> {
    const { what, pacer, bearer } = call;
    const controller = call.budgetMs === undefined ? undefined : new AbortController();
    const deadline: Deadline | undefined = controller && {
      ms: call.budgetMs as number,
      endsAt: clock.now() + (call.budgetMs as number),
      signal: controller.signal,
    };
    const deadlineTimer = deadline && clock.setTimeout(() => controller?.abort(), deadline.ms);
    let failures = 0;
    let rateLimited = 0;
    let refreshed = false;
    // The caller's slot covers the first attempt only; every resend takes its own.
    let reserved = call.slot;
    /** Whether a pause of `ms` still ends before the deadline. */
    const fits = (ms: number) => !deadline || clock.now() + ms < deadline.endsAt;
    try {
      for (;;) {
        throwIfAborted(what);
        const token = bearer
          ? await withinDeadline(bearer.tokens.token(bearer.scope, bearer.context), what, deadline)
          : undefined;
        const slot = reserved ?? (pacer ? await takeSlot(pacer, what) : undefined);
        reserved = undefined;
        const limits: AttemptLimits = deadline
          ? { timeoutMs: Math.max(1, deadline.endsAt - clock.now()), signal: deadline.signal }
          : {};
        let response: Response;
        try {
          response = await call.attempt(
            token === undefined ? undefined : `Bearer ${token}`,
            limits,
          );
        } catch (error) {
          // Timed out or cut: it may still have arrived, so it counts like an answered call.
          slot?.answered();
          throwIfAborted(what, error);
          call.onUnavailable?.({ status: undefined });
          const reason = deadline?.signal.aborted
            ? `gave up: its budget of ${deadline.ms} ms ran out`
            : error instanceof PlatformTimeoutError
              ? `timed out after ${timeoutMs} ms`
              : 'failed to connect';
          const waitMs = backoffDelayMs(failures + 1, retryBaseDelayMs, capDelayMs, random);
          if (failures >= retries.maxRetries || !fits(waitMs)) {
            throw new KnewtonUnavailableError(`Knewton ${what} ${reason}`, {
              cause: error,
              retryAfterSeconds: 2,
            });
          }
          failures++;
          logger.warn(
            { call: what, reason, attempt: failures },
            'knewton request failed, retrying',
          );
          await sleep(clock, waitMs, signal);
          continue;
        }
        // It arrived before this answer: from now its slot counts one more window.
        slot?.answered();
        const { status } = response;
        if (status === 401 && bearer && token !== undefined && !refreshed) {
          refreshed = true;
          await response.body?.cancel();
          // Only the token that failed: another caller may already have fetched a fresh one.
          bearer.tokens.drop(bearer.scope, token);
          logger.info({ call: what }, 'knewton token rejected, refreshing');
          continue;
        }
        if (status === 429) {
          await response.body?.cancel();
          const delayHeader = Number(response.headers.get('x-knewton-rate-delay'));
          const waitMs =
            Number.isFinite(delayHeader) && delayHeader > 0
              ? Math.min(delayHeader, 60_000)
              : backoffDelayMs(rateLimited + 1, retryBaseDelayMs * 2, capDelayMs, random);
          if (rateLimited >= retries.maxRateLimitRetries || !fits(waitMs)) {
            throw new KnewtonUnavailableError(
              `Knewton ${what} stayed rate limited after ${rateLimited} resends`,
              {
                status,
                retryAfterSeconds: Math.max(
                  retries.rateLimitedRetryAfterSeconds,
                  Math.ceil(waitMs / 1000),
                ),
              },
            );
          }
          rateLimited++;
          logger.warn(
            { call: what, waitMs, attempt: rateLimited },
            'knewton rate limited, waiting',
          );
          await sleep(clock, waitMs, signal);
          continue;
        }
        if (status >= 500) {
          await response.body?.cancel();
          call.onUnavailable?.({ status });
          const waitMs = backoffDelayMs(failures + 1, retryBaseDelayMs, capDelayMs, random);
          if (failures >= retries.maxRetries || !fits(waitMs)) {
            throw new KnewtonUnavailableError(`Knewton ${what} answered ${status}`, {
              status,
              retryAfterSeconds: 2,
            });
          }
          failures++;
          logger.warn({ call: what, status, attempt: failures }, 'knewton server error, retrying');
          await sleep(clock, waitMs, signal);
          continue;
        }
        return response;
      }
    } finally {
      // Never sent (cut short before its first attempt): the caller's slot is free again.
      reserved?.release();
      if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer);
    }
  }

  async function takeSlot(pacer: SlidingWindowPacer, what: string): Promise<PacerSlot> {
    try {
      return await pacer.take(signal);
    } catch (error) {
      throwIfAborted(what, error);
      throw error;
    }
  }

  /** A token (shared by every caller of its scope) is waited for only until the deadline. */
  async function withinDeadline<T>(
    pending: Promise<T>,
    what: string,
    deadline: Deadline | undefined,
  ): Promise<T> {
    if (!deadline) return pending;
    const expired = () =>
      new KnewtonUnavailableError(
        `Knewton ${what} gave up waiting for a token: its budget of ${deadline.ms} ms ran out`,
        { retryAfterSeconds: 2 },
      );
    if (deadline.signal.aborted) throw expired();
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(expired());
          deadline.signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) deadline.signal.removeEventListener('abort', onAbort);
    }
  }

  return { send, throwIfAborted };
}
