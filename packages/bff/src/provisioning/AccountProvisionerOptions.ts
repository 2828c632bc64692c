import type { Clock } from '../clock.js';
import type { ExternalIdMapperOptions } from '../externalId/createExternalIdMapper.js';
import type { Logger } from '../logger.js';
import type { PlatformClientOptions } from '../platform/PlatformClientOptions.js';
import type { AccountStore } from '../store/AccountStore.js';

/** Where and how to reach the Knewton Platform (see `PlatformClientOptions` for each field). */
export type PlatformOptions = Omit<PlatformClientOptions, 'logger'>;

/** Either an HMAC key (the default scheme) or the host's own mapper. */
export type ExternalIdOptions = ExternalIdMapperOptions;

export interface AccountProvisionerOptions {
  platform: PlatformOptions;
  /** From `createPgliteStore()` or `createPostgresStore()`. */
  store: AccountStore;
  externalIds: ExternalIdOptions;
  /** Structured logger; never receives app user ids, external ids, tokens or secrets. @default silentLogger */
  logger?: Logger | undefined;
  /** Close the store in `close()`. @default true */
  closeStore?: boolean | undefined;
  /**
   * Memory for resolved accounts kept in memory (they never change once written), least recently used out
   * first: each user is charged 240 bytes plus two per character of its app user id and account id, an
   * upper estimate of its heap cost, so the default keeps about 170,000 users with 37-character ids without a store query. 0 turns the
   * cache off. @default 67108864 (64 MiB)
   */
  cacheMaxBytes?: number | undefined;
  /**
   * Users that may wait at once for the platform's rate limits (the line is shared by the routes and
   * `backfillAccounts`); beyond it an ensure fails with `KnewtonUnavailableError` (503, `Retry-After`) and
   * nothing is lost: the user's next ensure queues again. 20,000 is about four minutes of the documented
   * ceiling (5,250 accounts a minute) and a few megabytes of memory. @default 20000
   */
  maxQueuedCreations?: number | undefined;
  /** Platform create calls (single or batch) in flight at once. @default 8 */
  maxConcurrentCreations?: number | undefined;
  /**
   * Milliseconds between two reads of recent opt-outs, so that an opt-out written by another process stops
   * this one answering an account it holds in memory within about that long (creates, events and
   * recommendations check the store itself and never wait for it). 0 turns it off: right for PGlite, whose
   * folder has one owning process. @default 1000 with a PostgreSQL store, 0 with PGlite
   */
  optOutWatchMs?: number | undefined;
  /**
   * Time for the provisioner's own waiting: an ensure's `holdMs`, the creation line's wake-ups and
   * `close`'s grace period. For tests, which drive a fake clock. @default the system clock
   */
  clock?: Clock | undefined;
}
