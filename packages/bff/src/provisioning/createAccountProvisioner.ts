// Over 250 lines on purpose: the cache, the provisionings and erasures in flight, what an opt-out does to
// them and the close state are shared by every method of the provisioner, so they live in one closure.
import { normalizeAppUserId } from '@knewton-kit/contract';
import { type Clock, type ClockTimer, systemClock } from '../clock.js';
import { ErasureInProgressError, KnewtonOptedOutError, StoreUnavailableError } from '../errors.js';
import { createExternalIdMapper } from '../externalId/createExternalIdMapper.js';
import { isLogger, silentLogger } from '../logger.js';
import { createPlatformClient, type PlatformClient } from '../platform/createPlatformClient.js';
import { validatePlatformOptions } from '../platform/validatePlatformOptions.js';
import type { AccountStore } from '../store/AccountStore.js';
import { AccountCreationQueue } from './AccountCreationQueue.js';
import type { AccountProvisionerOptions } from './AccountProvisionerOptions.js';
import type { CreationResult, SubmittedCreation } from './CreationJob.js';
import { createEraser } from './createEraser.js';
import { createOptOutFunctions } from './createOptOutFunctions.js';
import { type HeldProvisioning, holdForAccountOrQueue } from './holdForAccountOrQueue.js';
import { defaultAccountCacheBytes, ResolvedAccountCache } from './ResolvedAccountCache.js';
import type {
  AccountProvisioner,
  EnsureAccountContext,
  EnsureAccountResult,
  EnsuredAccount,
  ProvisionedAccount,
  ProvisioningContext,
} from './types.js';
import { watchOptOuts } from './watchOptOuts.js';
import { toProvisionedAccount } from './writeAccountRow.js';

/**
 * Over PostgreSQL, the longest another process may still answer an account that was erased (from its
 * cache of resolved accounts; this process forgets it at once).
 */
export const erasedAccountVisibleMs = 30_000;

function isAccountStore(store: unknown): store is AccountStore {
  const candidate = store as Partial<AccountStore> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.findByAppUserId === 'function' &&
    typeof candidate.withUserLock === 'function' &&
    typeof candidate.withFreeUserLocks === 'function' &&
    typeof candidate.ping === 'function' &&
    typeof candidate.close === 'function'
  );
}

function isClock(clock: unknown): clock is Clock {
  const candidate = clock as Partial<Clock> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.now === 'function' &&
    typeof candidate.setTimeout === 'function' &&
    typeof candidate.clearTimeout === 'function'
  );
}

/**
 * The provisioning service: maps app users to Knewton accounts, creating each account exactly once.
 *
 * `ensureAccount` path: in-memory cache → one concurrent provisioning per user in this process (callers
 * arriving meanwhile share its result) → store lookup → external id → the creation line, which sends
 * batches and single creates at the platform's ceiling under the users' store locks (cross-process on
 * PostgreSQL), re-checks, creates and writes the row (see `AccountCreationQueue`). With `holdMs` the
 * ensure answers `queued` rather than wait longer (`holdForAccountOrQueue`: the 202 decision).
 */
export async function createAccountProvisioner(
  options: AccountProvisionerOptions,
): Promise<AccountProvisioner> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`options` must be an object');
  const {
    store,
    externalIds,
    logger = silentLogger,
    closeStore = true,
    cacheMaxBytes = defaultAccountCacheBytes,
    maxQueuedCreations = 20_000,
    maxConcurrentCreations = 8,
    clock = systemClock,
    optOutWatchMs = store?.kind === 'postgres' ? 1_000 : 0,
  } = options;
  validatePlatformOptions(options.platform, 'platform');
  if (!isAccountStore(store)) {
    throw new TypeError(
      '`store` must be an account store from `createPgliteStore()` or `createPostgresStore()`',
    );
  }
  if (!isLogger(logger))
    throw new TypeError('`logger` must have debug, info, warn and error functions');
  if (!isClock(clock))
    throw new TypeError('`clock` must have now, setTimeout and clearTimeout functions');
  if (typeof closeStore !== 'boolean') throw new TypeError('`closeStore` must be a boolean');
  if (!Number.isInteger(cacheMaxBytes) || cacheMaxBytes < 0)
    throw new TypeError('`cacheMaxBytes` must be a non-negative integer');
  if (!Number.isInteger(optOutWatchMs) || optOutWatchMs < 0)
    throw new TypeError('`optOutWatchMs` must be a non-negative integer');
  for (const [key, value] of [
    ['maxQueuedCreations', maxQueuedCreations],
    ['maxConcurrentCreations', maxConcurrentCreations],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new TypeError(`\`${key}\` must be a positive integer`);
  }
  const mapExternalId = createExternalIdMapper(externalIds);
  const platform: PlatformClient = createPlatformClient({ clock, ...options.platform, logger });
  // Over PostgreSQL another process may erase a user this one has cached: entries are trusted for at
  // most `erasedAccountVisibleMs`, the longest another process may still answer an erased account.
  const cache = new ResolvedAccountCache(
    cacheMaxBytes,
    store.kind === 'postgres' ? erasedAccountVisibleMs : undefined,
  );
  const eraser = createEraser({ store, platform, mapper: mapExternalId, logger });
  /**
   * Bumped whenever this process forgets a user (an erasure starts or ends, an opt-out is written or
   * seen): a lookup or create that began before does not put its account in the cache (it may have read
   * the store before the erasure or opt-out committed).
   */
  let cacheEpoch = 0;
  /** Users being erased in this process: their ensures and reads wait for it (never the old account). */
  const erasing = new Map<string, Promise<unknown>>();
  async function afterErasure(appUserId: string): Promise<void> {
    await erasing.get(appUserId)?.catch(() => {});
  }
  /** Finishes pending erasures in the background (at start, and when an ensure met one). */
  function sweepErasures(): void {
    if (closed) return;
    const sweep = eraser.sweepInBackground();
    if (sweep) track(sweep);
  }
  const queue = new AccountCreationQueue({
    platform,
    store,
    logger,
    maxQueued: maxQueuedCreations,
    maxConcurrent: maxConcurrentCreations,
    clock,
  });
  /** Users being provisioned in this process: later callers share the first one's creation. */
  const provisioning = new Map<string, HeldProvisioning>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  function forget(appUserIds: readonly string[]): void {
    cacheEpoch++;
    for (const appUserId of appUserIds) cache.delete(appUserId);
  }

  const stopWatching =
    optOutWatchMs > 0
      ? watchOptOuts({ store, clock, logger, intervalMs: optOutWatchMs, forget })
      : () => {};

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  function checkOpen(): void {
    if (closed)
      throw new StoreUnavailableError('The account provisioner is closed', {
        retryAfterSeconds: 5,
      });
  }

  /** The stored account, refusing an opted-out user: a kept account of theirs is not answered. */
  async function lookup(appUserId: string): Promise<ProvisionedAccount | undefined> {
    const cached = cache.get(appUserId);
    if (cached) return cached;
    const epoch = cacheEpoch;
    const { row, optedOut } = await store.findUser(appUserId);
    if (optedOut) throw new KnewtonOptedOutError();
    if (!row) return undefined;
    const account = toProvisionedAccount(row);
    if (epoch === cacheEpoch) cache.set(appUserId, account);
    return account;
  }

  /** Looks, maps (a refused mapper output fails here, before any platform call or write), queues. */
  function startProvisioning(
    appUserId: string,
    context: ProvisioningContext | undefined,
  ): HeldProvisioning {
    let markQueued!: (creation: SubmittedCreation) => void;
    const queued = new Promise<SubmittedCreation>((resolve) => {
      markQueued = resolve;
    });
    const epoch = cacheEpoch;
    const done = (async (): Promise<CreationResult> => {
      const existing = await lookup(appUserId);
      if (existing) return { account: existing, outcome: 'existed' };
      const { externalId, keyVersion } = await mapExternalId(appUserId);
      const identity = {
        generation: 0,
        userKeys: await mapExternalId.userKeys(appUserId),
        derive: (generation: number) => mapExternalId.forGeneration(appUserId, generation),
      };
      const creation = queue.submit({ appUserId, externalId, keyVersion, context, identity });
      markQueued(creation);
      const result = await creation.done.catch((error: unknown) => {
        // An erasure left unfinished (a crash, an outage): finish it, the user's next ensure creates.
        if (error instanceof ErasureInProgressError) sweepErasures();
        throw error;
      });
      if (epoch === cacheEpoch) cache.set(appUserId, result.account);
      return result;
    })();
    // A caller that was answered `queued` no longer listens; the failure reaches the next ensure instead.
    done.catch(() => {});
    return { done: track(done), queued };
  }

  function ensured(result: CreationResult, leader: boolean): EnsuredAccount {
    // Followers share the leader's outcome, but only the leader reports the creation.
    if (!leader) return { account: result.account, outcome: 'existed', created: false };
    return { ...result, created: result.outcome !== 'existed' };
  }

  async function ensure(
    givenAppUserId: string,
    context: EnsureAccountContext | undefined,
  ): Promise<EnsureAccountResult> {
    // One spelling per user (NFC, no lone surrogates or invisible characters), whoever calls.
    const appUserId = normalizeAppUserId(givenAppUserId);
    checkOpen();
    const arrivedAt = clock.now();
    const holdMs = context?.holdMs;
    if (holdMs !== undefined && (!Number.isFinite(holdMs) || holdMs < 0))
      throw new TypeError('`holdMs` must be a non-negative number of milliseconds');
    if (erasing.has(appUserId)) await afterErasure(appUserId);
    const cached = cache.get(appUserId);
    if (cached) return { account: cached, outcome: 'existed', created: false };
    let entry = provisioning.get(appUserId);
    const leader = entry === undefined;
    if (!entry) {
      const started = startProvisioning(appUserId, context);
      entry = started;
      provisioning.set(appUserId, started);
      started.done.then(
        () => provisioning.delete(appUserId),
        () => provisioning.delete(appUserId),
      );
    }
    if (holdMs === undefined) return ensured(await entry.done, leader);
    const held = await holdForAccountOrQueue({
      provisioning: entry,
      holdMs,
      arrivedAt,
      line: queue,
      clock,
    });
    return held.outcome === 'queued' ? held : ensured(held, leader);
  }

  // A crash may have left erasures whose platform deletion was not confirmed.
  sweepErasures();

  return {
    async getAccount(givenAppUserId, _context) {
      // One spelling per user (NFC, no lone surrogates or invisible characters), whoever calls.
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      if (erasing.has(appUserId)) await afterErasure(appUserId);
      return track(lookup(appUserId));
    },

    ensureAccount: ensure as AccountProvisioner['ensureAccount'],

    knownAccount(givenAppUserId, _context) {
      // Closed: `undefined`, so the caller's `ensureAccount` gives the refusal (503 with Retry-After).
      if (closed) return undefined;
      const appUserId = normalizeAppUserId(givenAppUserId);
      return erasing.has(appUserId) ? undefined : cache.get(appUserId);
    },

    async eraseAccount(givenAppUserId, context) {
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      // Erasures of one user in this process run one after the other (the store lock orders processes).
      const previous = erasing.get(appUserId);
      const run = (async () => {
        await previous?.catch(() => {});
        cacheEpoch++;
        cache.delete(appUserId);
        try {
          return await eraser.erase(appUserId, context);
        } finally {
          cacheEpoch++;
          // The one place an erased user leaves this process's memory of resolved accounts.
          cache.delete(appUserId);
        }
      })();
      erasing.set(appUserId, run);
      try {
        return await track(run);
      } finally {
        if (erasing.get(appUserId) === run) erasing.delete(appUserId);
      }
    },

    ...createOptOutFunctions({ store, logger, checkOpen, track, forget }),

    async checkReadiness() {
      checkOpen();
      await store.ping();
      await platform.checkToken();
    },

    async close(closeOptions) {
      if (closed) return;
      closed = true;
      stopWatching();
      const graceMs = closeOptions?.graceMs ?? 10_000;
      // Bounded: queued users are answered now, creates in flight get the grace period, then are cut.
      queue.stopQueueing();
      const finished = Promise.allSettled([...inFlight]);
      let timer: ClockTimer | undefined;
      const graceOver = new Promise<'grace over'>((resolve) => {
        timer = clock.setTimeout(() => resolve('grace over'), graceMs);
      });
      if ((await Promise.race([finished, graceOver])) === 'grace over') queue.abort();
      if (timer !== undefined) clock.clearTimeout(timer);
      await finished;
      if (closeStore) await store.close();
    },
  };
}
