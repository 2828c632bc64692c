import { normalizeAppUserId } from '@knewton-kit/contract';
import { KnewtonUnavailableError, StoreUnavailableError } from '../errors.js';
import { createExternalIdMapper } from '../externalId/createExternalIdMapper.js';
import { isLogger, silentLogger } from '../logger.js';
import { createPlatformClient, type PlatformClient } from '../platform/createPlatformClient.js';
import { validatePlatformOptions } from '../platform/validatePlatformOptions.js';
import type { AccountRow, AccountStore } from '../store/AccountStore.js';
import {
  AccountCreationQueue,
  type CreationResult,
  clampSeconds,
  type SubmittedCreation,
} from './AccountCreationQueue.js';
import type { AccountProvisionerOptions } from './AccountProvisionerOptions.js';
import { ResolvedAccountCache } from './ResolvedAccountCache.js';
import type {
  AccountProvisioner,
  EnsureAccountContext,
  EnsureAccountResult,
  EnsuredAccount,
  ProvisionedAccount,
  ProvisioningContext,
} from './types.js';

function toAccount(row: AccountRow): ProvisionedAccount {
  return { accountId: row.accountId, createdAt: row.createdAt };
}

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

/**
 * The provisioning service: maps app users to Knewton accounts, creating each account exactly once.
 *
 * `ensureAccount` path: in-memory cache → one concurrent provisioning per user in this process (callers
 * arriving meanwhile share its result) → store lookup → external id → the creation line, which sends
 * batches and single creates at the platform's ceiling under the users' store locks (cross-process on
 * PostgreSQL), re-checks, creates and writes the row (see `AccountCreationQueue`). A create whose answer
 * was lost left the account on the platform but no row here; the next ensure gets 422 duplicate and
 * recovers the id with a scoped token, so the platform sees at most one successful create per external id.
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
    cacheSize = 10_000,
    maxQueuedCreations = 20_000,
    maxConcurrentCreations = 8,
  } = options;
  validatePlatformOptions(options.platform, 'platform');
  if (!isAccountStore(store)) {
    throw new TypeError(
      '`store` must be an account store from `createPgliteStore()` or `createPostgresStore()`',
    );
  }
  if (!isLogger(logger))
    throw new TypeError('`logger` must have debug, info, warn and error functions');
  if (typeof closeStore !== 'boolean') throw new TypeError('`closeStore` must be a boolean');
  if (!Number.isInteger(cacheSize) || cacheSize < 0)
    throw new TypeError('`cacheSize` must be a non-negative integer');
  for (const [key, value] of [
    ['maxQueuedCreations', maxQueuedCreations],
    ['maxConcurrentCreations', maxConcurrentCreations],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new TypeError(`\`${key}\` must be a positive integer`);
  }
  const mapExternalId = createExternalIdMapper(externalIds);
  const platform: PlatformClient = createPlatformClient({ ...options.platform, logger });
  const cache = new ResolvedAccountCache(cacheSize);
  const queue = new AccountCreationQueue({
    platform,
    store,
    logger,
    maxQueued: maxQueuedCreations,
    maxConcurrent: maxConcurrentCreations,
  });
  /** Users being provisioned in this process: later callers share the first one's creation. */
  const provisioning = new Map<string, Provisioning>();
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
    const account = toAccount(row);
    cache.set(appUserId, account);
    return account;
  }

  /** Looks, maps (a refused mapper output fails here, before any platform call or write), queues. */
  function startProvisioning(
    appUserId: string,
    context: ProvisioningContext | undefined,
  ): Provisioning {
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
    const arrivedAt = Date.now();
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
    // The hold counts from arrival: a busy store can delay the lookup before the user is even in line.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const holdOver = new Promise<'hold over'>((resolve) => {
      timer = setTimeout(() => resolve('hold over'), holdMs);
    });
    try {
      const first = await Promise.race([
        entry.done.then((result) => ({ result })),
        entry.queued.then((creation) => ({ creation })),
        holdOver,
      ]);
      if (first === 'hold over') return queued(undefined);
      if ('result' in first) return ensured(first.result, leader);
      const { creation } = first;
      const leftMs = holdMs - (Date.now() - arrivedAt);
      if (creation.expectedStartMs(leftMs) > leftMs) return queued(creation);
      // The hold bounds the whole ensure, not only the wait in line: a create that started but has not
      // finished when it is over (a slow store lock, a slow platform) goes on in the background like a
      // queued one (it is tracked, so `close` gives it the grace period), and the next ensure returns it.
      const waited = await Promise.race([entry.done, holdOver]);
      if (waited !== 'hold over') return ensured(waited, leader);
      // Unless the platform is failing: then "ask again soon" would hide an outage (DESIGN.md: a platform
      // that hangs or fails is answered 503 with Retry-After).
      if (creation.sent() && queue.platformFailing) {
        throw new KnewtonUnavailableError(
          'Knewton is not completing account creates; try again later',
          { retryAfterSeconds: 5 },
        );
      }
      return queued(creation);
    } finally {
      clearTimeout(timer);
    }
  }

  function queued(creation: SubmittedCreation | undefined): EnsureAccountResult {
    return {
      account: undefined,
      outcome: 'queued',
      created: false,
      // Not yet in line (the store was slow to answer the lookup): as long as a newcomer would wait.
      retryAfterSeconds: clampSeconds(
        (creation ? creation.expectedStartMs(0) : queue.expectedWaitMs()) || 1000,
      ),
    };
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
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<'grace over'>((resolve) => {
        timer = setTimeout(() => resolve('grace over'), graceMs);
      });
      if ((await Promise.race([finished, graceOver])) === 'grace over') queue.abort();
      clearTimeout(timer);
      await finished;
      if (closeStore) await store.close();
    },
  };
}

interface Provisioning {
  done: Promise<CreationResult>;
  /** Resolves once the user is in the creation line (never, when the account existed or mapping failed). */
  queued: Promise<SubmittedCreation>;
}
