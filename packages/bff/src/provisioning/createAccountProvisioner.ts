import { normalizeAppUserId } from '@knewton-kit/contract';
import { KnewtonUnavailableError, StoreUnavailableError } from '../errors.js';
import {
  createExternalIdMapper,
  type ExternalIdMapping,
} from '../externalId/createExternalIdMapper.js';
import { isLogger, silentLogger } from '../logger.js';
import {
  createPlatformClient,
  type PlatformClient,
  validatePlatformOptions,
} from '../platform/createPlatformClient.js';
import type { AccountRow, AccountStore } from '../store/AccountStore.js';
import type { AccountProvisionerOptions } from './AccountProvisionerOptions.js';
import { ResolvedAccountCache } from './ResolvedAccountCache.js';
import type {
  AccountProvisioner,
  EnsureAccountResult,
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
    typeof candidate.ping === 'function' &&
    typeof candidate.close === 'function'
  );
}

/**
 * The provisioning service: maps app users to Knewton accounts, creating each account exactly once.
 *
 * `ensureAccount` path: in-memory cache → one concurrent provisioning per user in this process (callers
 * arriving meanwhile share its result) → store lookup → the store's per-user lock (cross-process on
 * PostgreSQL) → re-check → `POST /v0/accounts` → write the row. A create whose answer was lost left the
 * account on the platform but no row here; the next ensure gets 422 duplicate and recovers the id with a
 * scoped token, so the platform sees at most one successful create per external id.
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
  const mapExternalId = createExternalIdMapper(externalIds);
  const platform: PlatformClient = createPlatformClient({ ...options.platform, logger });
  const cache = new ResolvedAccountCache(cacheSize);
  const provisioning = new Map<string, Promise<EnsureAccountResult>>();
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

  /** Creates the account, or recovers the id of one whose creation answer was lost earlier. */
  async function createOrRecover(
    externalId: string,
    context: ProvisioningContext | undefined,
  ): Promise<string> {
    const outcome = await platform.createAccount(externalId, context);
    if (outcome.kind === 'created') {
      logger.info(
        {
          accountId: outcome.accountId,
          requestId: context?.requestId,
        },
        'knewton account created',
      );
      return outcome.accountId;
    }
    const accountId = await platform.findAccountIdByExternalId(externalId, context);
    if (accountId === undefined) {
      throw new KnewtonUnavailableError(
        'Knewton reported a duplicate account but the scoped token found none',
        {
          retryAfterSeconds: 5,
        },
      );
    }
    logger.warn(
      {
        accountId,
        requestId: context?.requestId,
      },
      'knewton account recovered after a lost create',
    );
    return accountId;
  }

  async function provision(
    appUserId: string,
    context: ProvisioningContext | undefined,
  ): Promise<EnsureAccountResult> {
    // On PostgreSQL the lock costs a transaction and a pooled connection, so look (and map) outside it
    // first; PGlite's lock is an in-process mutex, so doing both inside it saves a query on the create path.
    const lockIsCheap = store.kind === 'pglite';
    let mapping: ExternalIdMapping | undefined;
    if (!lockIsCheap) {
      const existing = await lookup(appUserId);
      if (existing) return { account: existing, created: false };
      mapping = await mapExternalId(appUserId);
    }
    const result = await store.withUserLock(appUserId, async (tx) => {
      const raced = await tx.findByAppUserId(appUserId);
      if (raced) return { account: toAccount(raced), created: false };
      // A refused mapper output fails here: before any platform call or write.
      const { externalId, keyVersion } = mapping ?? (await mapExternalId(appUserId));
      const accountId = await createOrRecover(externalId, context);
      const row = await tx.insert({ appUserId, externalId, keyVersion, accountId });
      return { account: toAccount(row), created: true };
    });
    cache.set(appUserId, result.account);
    return result;
  }

  return {
    async getAccount(givenAppUserId, _context) {
      // One spelling per user (NFC, no lone surrogates or invisible characters), whoever calls.
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      return track(lookup(appUserId));
    },

    async ensureAccount(givenAppUserId, context) {
      const appUserId = normalizeAppUserId(givenAppUserId);
      checkOpen();
      const cached = cache.get(appUserId);
      if (cached) return { account: cached, created: false };
      const running = provisioning.get(appUserId);
      // Followers share the leader's outcome, but only the leader reports `created`.
      if (running) return running.then(({ account }) => ({ account, created: false }));
      const leader = track(provision(appUserId, context)).finally(() =>
        provisioning.delete(appUserId),
      );
      provisioning.set(appUserId, leader);
      return leader;
    },

    async checkReadiness() {
      checkOpen();
      await store.ping();
      await platform.checkToken();
    },

    async close() {
      if (closed) return;
      closed = true;
      // Bounded: in-flight work ends by itself (every platform call and lock wait has a timeout).
      await Promise.allSettled([...inFlight]);
      if (closeStore) await store.close();
    },
  };
}
