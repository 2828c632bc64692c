import { normalizeAppUserId } from '@knewton-kit/contract';
import { type Clock, type ClockTimer, systemClock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import { createExternalIdMapper } from '../externalId/createExternalIdMapper.js';
import { isLogger, silentLogger } from '../logger.js';
import { createPlatformClient, type PlatformClient } from '../platform/createPlatformClient.js';
import { validatePlatformOptions } from '../platform/validatePlatformOptions.js';
import type { AccountStore } from '../store/AccountStore.js';
import { AccountCreationQueue } from './AccountCreationQueue.js';
import type { AccountProvisionerOptions } from './AccountProvisionerOptions.js';
import type { CreationResult, SubmittedCreation } from './CreationJob.js';
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
import { toProvisionedAccount } from './writeAccountRow.js';

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
  for (const [key, value] of [
    ['maxQueuedCreations', maxQueuedCreations],
    ['maxConcurrentCreations', maxConcurrentCreations],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new TypeError(`\`${key}\` must be a positive integer`);
  }
  const mapExternalId = createExternalIdMapper(externalIds);
  const platform: PlatformClient = createPlatformClient({ clock, ...options.platform, logger });
  const cache = new ResolvedAccountCache(cacheMaxBytes);
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

  async function lookup(appUserId: string): Promise<ProvisionedAccount | undefined> {
    const cached = cache.get(appUserId);
    if (cached) return cached;
    const row = await store.findByAppUserId(appUserId);
    if (!row) return undefined;
    const account = toProvisionedAccount(row);
    cache.set(appUserId, account);
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
    const done = (async (): Promise<CreationResult> => {
      const existing = await lookup(appUserId);
      if (existing) return { account: existing, outcome: 'existed' };
      const { externalId, keyVersion } = await mapExternalId(appUserId);
      const creation = queue.submit({ appUserId, externalId, keyVersion, context });
      markQueued(creation);
      const result = await creation.done;
      cache.set(appUserId, result.account);
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

  return {
    async getAccount(givenAppUserId, _context) {
      // One spelling per user (NFC, no lone surrogates or invisible characters), whoever calls.
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      return track(lookup(appUserId));
    },

    ensureAccount: ensure as AccountProvisioner['ensureAccount'],

    knownAccount(givenAppUserId, _context) {
      // Closed: `undefined`, so the caller's `ensureAccount` gives the refusal (503 with Retry-After).
      if (closed) return undefined;
      return cache.get(normalizeAppUserId(givenAppUserId));
    },

    async checkReadiness() {
      checkOpen();
      await store.ping();
      await platform.checkToken();
    },

    async close(closeOptions) {
      if (closed) return;
      closed = true;
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
