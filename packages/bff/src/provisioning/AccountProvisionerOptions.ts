import type { ExternalIdMapperOptions } from '../externalId/createExternalIdMapper.js';
import type { Logger } from '../logger.js';
import type { PlatformClientOptions } from '../platform/createPlatformClient.js';
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
  logger?: Logger;
  /** Close the store in `close()`. @default true */
  closeStore?: boolean;
  /** Resolved accounts kept in memory (they never change once written); 0 turns the cache off. @default 10000 */
  cacheSize?: number;
}
