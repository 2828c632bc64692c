import type { ClockTimer } from '../../src/clock.js';
import { createCreationSlots } from '../../src/platform/createCreationSlots.js';
import { accountCreatesPerMinute, batchCallsPerMinute } from '../../src/platform/platformLimits.js';
import { CreationScheduler } from '../../src/provisioning/CreationScheduler.js';
import {
  estimateCreationWaitMs,
  toRetryAfterSeconds,
} from '../../src/provisioning/estimateCreationWait.js';
import { createTestClock } from './createTestClock.js';

export interface HerdOptions {
  /** When each user first asks for their account, in ms from the start. */
  arrivalsMs: number[];
  /** How long an ensure waits for the account before answering 202. @default 4_500 */
  holdMs?: number;
  /** Platform creates in flight at once. @default 8 (the provisioner's default) */
  maxConcurrent?: number;
  /** Time the platform and the store take for one call. @default 50 (single), 250 (batch) */
  singleCallMs?: number;
  batchCallMs?: number;
}

export interface HerdOutcome {
  /** From the first arrival until the last account was stored. */
  allAccountsMs: number;
  singles: number;
  batches: number;
  /** Accounts a batch call carried, on average. */
  batchFill: number;
  /** Requests each user made until it had its account, the most and on average. */
  mostAsks: number;
  meanAsks: number;
  /** 202 answers per user, on average. */
  queuedPerUser: number;
  /** Longest any request was held. */
  longestRequestMs: number;
  /** Worst time a user's create started after the moment its last `Retry-After` named (≤ 0: in time). */
  latestAfterRetryMs: number;
  /** Users whose account was created more than once. */
  duplicates: number;
}

interface User {
  joinedAt?: number;
  /** Index in `line`, set on joining. */
  inLine: number;
  sentAt?: number;
  doneAt?: number;
  creates: number;
  asks: number;
  queued: number;
  retryAt?: number;
  holding?: { askedAt: number; timer: ClockTimer };
}

/**
 * Users asking for their accounts the way the kit does (again after `Retry-After` on a 202), against the
 * real scheduler, pacing windows and wait estimate at the documented limits, on one fake clock. The
 * platform answers every call after a fixed time; a minute of herd takes milliseconds.
 */
export async function simulateCreationHerd(options: HerdOptions): Promise<HerdOutcome> {
  const { arrivalsMs, holdMs = 4_500, maxConcurrent = 8 } = options;
  const { singleCallMs = 50, batchCallMs = 250 } = options;
  const clock = createTestClock();
  const start = clock.now();
  const { slots } = createCreationSlots(
    { accountCreatesPerMinute, batchCallsPerMinute, timeScale: 1 },
    clock,
  );
  const scheduler = new CreationScheduler({ slots, clock, wake: () => pump() });
  const users: User[] = arrivalsMs.map(() => ({ inLine: -1, creates: 0, asks: 0, queued: 0 }));
  const line: User[] = [];
  let head = 0;
  let inFlight = 0;
  let singles = 0;
  let batches = 0;
  let batched = 0;
  let longestRequestMs = 0;
  let latestAfterRetryMs = Number.NEGATIVE_INFINITY;

  function pump(): void {
    while (head < line.length && inFlight < maxConcurrent) {
      const waiting = line.length - head;
      const headWaitedMs = clock.now() - (line[head]?.joinedAt ?? clock.now());
      const call = scheduler.next(waiting, headWaitedMs);
      if (!call) return;
      const sent = line.slice(head, head + (call.kind === 'single' ? 1 : call.size));
      head += sent.length;
      if (call.kind === 'single') singles++;
      else {
        batches++;
        batched += sent.length;
      }
      inFlight++;
      for (const user of sent) {
        user.sentAt = clock.now();
        if (user.retryAt !== undefined)
          latestAfterRetryMs = Math.max(latestAfterRetryMs, clock.now() - user.retryAt);
      }
      clock.setTimeout(
        () => {
          call.slot.answered();
          inFlight--;
          for (const user of sent) created(user);
          pump();
        },
        call.kind === 'single' ? singleCallMs : batchCallMs,
      );
    }
  }

  function created(user: User): void {
    user.creates++;
    user.doneAt = clock.now();
    if (!user.holding) return;
    longestRequestMs = Math.max(longestRequestMs, clock.now() - user.holding.askedAt);
    clock.clearTimeout(user.holding.timer);
    user.holding = undefined;
  }

  /** One `PUT /account`, as the hold answers it. */
  function ask(user: User): void {
    user.asks++;
    if (user.doneAt !== undefined) return;
    if (user.joinedAt === undefined) {
      user.joinedAt = clock.now();
      user.inLine = line.push(user) - 1;
      pump();
    }
    const askedAt = clock.now();
    if (
      user.sentAt === undefined &&
      estimateCreationWaitMs(slots, placeOf(user), holdMs) > holdMs
    ) {
      queued(user, askedAt);
      return;
    }
    const timer = clock.setTimeout(() => {
      user.holding = undefined;
      queued(user, askedAt);
    }, holdMs);
    user.holding = { askedAt, timer };
  }

  function placeOf(user: User): number {
    return user.inLine - head;
  }

  function queued(user: User, askedAt: number): void {
    longestRequestMs = Math.max(longestRequestMs, clock.now() - askedAt);
    user.queued++;
    const waitMs = user.sentAt === undefined ? estimateCreationWaitMs(slots, placeOf(user), 0) : 0;
    const retryAfterMs = toRetryAfterSeconds(waitMs || 1000) * 1000;
    if (user.sentAt === undefined) user.retryAt = clock.now() + retryAfterMs;
    clock.setTimeout(() => ask(user), retryAfterMs);
  }

  users.forEach((user, i) => {
    clock.setTimeout(() => ask(user), arrivalsMs[i] as number);
  });
  await clock.runAll(10_000_000);

  const lastDone = Math.max(...users.map((user) => user.doneAt ?? Number.POSITIVE_INFINITY));
  const asks = users.map((user) => user.asks);
  return {
    allAccountsMs: lastDone - start - Math.min(...arrivalsMs),
    singles,
    batches,
    batchFill: batches === 0 ? 0 : batched / batches,
    mostAsks: Math.max(...asks),
    meanAsks: asks.reduce((sum, n) => sum + n, 0) / users.length,
    queuedPerUser: users.reduce((sum, user) => sum + user.queued, 0) / users.length,
    longestRequestMs,
    latestAfterRetryMs,
    duplicates: users.filter((user) => user.creates > 1).length,
  };
}
