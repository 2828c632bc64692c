import type { Clock } from '../clock.js';
import type { PlatformRateLimits } from './PlatformClientOptions.js';
import { maxBatchSize, pacingSlackMs, perTokenWindowMs } from './platformLimits.js';
import { type PacerSlot, SlidingWindowPacer } from './slidingWindowPacer.js';

/**
 * The pacing windows of the two create endpoints, for a scheduler that chooses between them: take a slot
 * without waiting, or ask how many starts the next seconds allow.
 */
export interface CreationSlots {
  /** `false` once the platform refused `/batch` (404/405/410): creates go one at a time from then on. */
  readonly batchAvailable: boolean;
  /** A slot of the single-create window, or `undefined` when it is spent; pass it to `createAccount`. */
  tryTakeSingle(): PacerSlot | undefined;
  /** A slot of the batch window, or `undefined`; pass it to `createAccounts`. */
  tryTakeBatch(): PacerSlot | undefined;
  /** Accounts the two windows can start within `horizonMs` (single creates + 50 per batch). */
  accountsStartableWithin(horizonMs: number): number;
  /** Calls each window can start within `horizonMs` (`batches` 0 once `/batch` was refused). */
  callsStartableWithin(horizonMs: number): { singles: number; batches: number };
  /** Milliseconds until either window has a free slot. */
  nextFreeInMs(): number;
  /** The ceiling: accounts a minute the two windows allow together. */
  accountsPerMinute(): number;
  /** Calls a minute each window allows. */
  callsPerMinute(): { singles: number; batches: number };
  /** The batch window's sustained pace: one call every window ÷ limit (about 667 ms at 90 a minute). */
  readonly batchIntervalMs: number;
}

/** The create windows plus what the account calls need of them. */
export interface CreationPacing {
  slots: CreationSlots;
  /** `POST /v0/accounts` per token. */
  single: SlidingWindowPacer;
  /** `POST /v0/batch` per token. */
  batch: SlidingWindowPacer;
  /** The platform has no `/batch`: from now on every window question counts single creates only. */
  batchRefused(): void;
}

/** The two per-token create windows, scaled by `timeScale` like the simulator's `rateLimitScale`. */
export function createCreationSlots(
  rateLimits: Required<PlatformRateLimits>,
  clock: Clock,
): CreationPacing {
  const { accountCreatesPerMinute, batchCallsPerMinute, timeScale } = rateLimits;
  const windowMs = (perTokenWindowMs + pacingSlackMs) / timeScale;
  const single = new SlidingWindowPacer(accountCreatesPerMinute, windowMs, clock);
  const batch = new SlidingWindowPacer(batchCallsPerMinute, windowMs, clock);
  let batchAvailable = batchCallsPerMinute > 0;
  const slots: CreationSlots = {
    get batchAvailable() {
      return batchAvailable;
    },
    batchIntervalMs:
      batchCallsPerMinute > 0 ? windowMs / batchCallsPerMinute : Number.POSITIVE_INFINITY,
    accountsPerMinute: () =>
      (accountCreatesPerMinute + (batchAvailable ? batchCallsPerMinute * maxBatchSize : 0)) *
      timeScale,
    tryTakeSingle: () => single.tryTake(),
    tryTakeBatch: () => (batchAvailable ? batch.tryTake() : undefined),
    callsStartableWithin: (horizonMs) => ({
      singles: single.freeWithin(horizonMs),
      batches: batchAvailable ? batch.freeWithin(horizonMs) : 0,
    }),
    callsPerMinute: () => ({
      singles: accountCreatesPerMinute * timeScale,
      batches: batchAvailable ? batchCallsPerMinute * timeScale : 0,
    }),
    accountsStartableWithin: (horizonMs) =>
      single.freeWithin(horizonMs) +
      (batchAvailable ? batch.freeWithin(horizonMs) * maxBatchSize : 0),
    nextFreeInMs: () =>
      Math.min(
        single.nextFreeInMs(),
        batchAvailable ? batch.nextFreeInMs() : Number.POSITIVE_INFINITY,
      ),
  };
  return {
    slots,
    single,
    batch,
    batchRefused: () => {
      batchAvailable = false;
    },
  };
}
