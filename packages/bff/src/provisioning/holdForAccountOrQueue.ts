import type { Clock, ClockTimer } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import type { CreationResult, SubmittedCreation } from './CreationJob.js';
import { toRetryAfterSeconds } from './estimateCreationWait.js';
import type { QueuedEnsure } from './types.js';

/** One user's provisioning as the hold sees it. */
export interface HeldProvisioning {
  done: Promise<CreationResult>;
  /** Resolves once the user is in the creation line (never, when the account existed or mapping failed). */
  queued: Promise<SubmittedCreation>;
}

export interface HoldOptions {
  provisioning: HeldProvisioning;
  /** Longest the caller waits, counted from `arrivedAt`. */
  holdMs: number;
  /** When the ensure arrived, on `clock`: a store slow to answer the lookup comes off the hold. */
  arrivedAt: number;
  line: { expectedWaitMs(): number; readonly platformFailing: boolean };
  clock: Clock;
}

/**
 * The 202 decision of `PUT /account`: wait for the account at most `holdMs`, so no browser request is
 * held behind the platform's rate limits or a slow create. Answers the account when it comes in time;
 * `queued` (202 with Retry-After) at once when the line says the create cannot start in time, or when
 * the hold is over first; throws `KnewtonUnavailableError` (503) instead when the create is at a platform
 * that is failing creates, since "ask again soon" would hide an outage. Either way the create goes on.
 */
export async function holdForAccountOrQueue(
  options: HoldOptions,
): Promise<CreationResult | QueuedEnsure> {
  const { provisioning, holdMs, arrivedAt, line, clock } = options;
  let timer: ClockTimer | undefined;
  const holdOver = new Promise<'hold over'>((resolve) => {
    timer = clock.setTimeout(() => resolve('hold over'), holdMs);
  });
  const queued = (creation: SubmittedCreation | undefined): QueuedEnsure => ({
    account: undefined,
    outcome: 'queued',
    created: false,
    // Not yet in line (the store was slow to answer the lookup): as long as a newcomer would wait.
    retryAfterSeconds: toRetryAfterSeconds(
      (creation ? creation.expectedStartMs(0) : line.expectedWaitMs()) || 1000,
    ),
  });
  try {
    const first = await Promise.race([
      provisioning.done.then((result) => ({ result })),
      provisioning.queued.then((creation) => ({ creation })),
      holdOver,
    ]);
    if (first === 'hold over') return queued(undefined);
    if ('result' in first) return first.result;
    const { creation } = first;
    const leftMs = holdMs - (clock.now() - arrivedAt);
    if (creation.expectedStartMs(leftMs) > leftMs) return queued(creation);
    // The hold bounds the whole ensure, the create included: one that started but has not finished
    // (a slow store lock, a slow platform) goes on in the background and the next ensure returns it.
    const waited = await Promise.race([provisioning.done, holdOver]);
    if (waited !== 'hold over') return waited;
    if (creation.sent() && line.platformFailing) {
      throw new KnewtonUnavailableError(
        'Knewton is not completing account creates; try again later',
        { retryAfterSeconds: 5 },
      );
    }
    return queued(creation);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}
