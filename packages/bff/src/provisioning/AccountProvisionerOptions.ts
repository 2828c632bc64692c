import type { Logger } from '../logger.js';
import type { AccountStore } from '../store/AccountStore.js';

export interface PlatformOptions {
  /** Base URL of the Knewton Platform, e.g. `https://api.knewton.com` (the `/v0` is added). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** External id of the partner-admin ("system") account whose token makes the calls. */
  systemExternalUserId: string;
  /** Per-attempt timeout of one platform request. @default 5000 */
  timeoutMs?: number;
  /** Retries after a 5xx, a timeout or a network error (429s have their own budget). @default 2 */
  maxRetries?: number;
  /** Fetch implementation, e.g. the simulator's in-process `fetch`. @default globalThis.fetch */
  fetch?: typeof fetch;
}

export type ExternalIdOptions =
  | {
      /** HMAC-SHA256 key for external ids; at least 32 bytes. */
      key: string;
      /** Stored with each row so a later key can be told apart. @default 'v1' */
      keyVersion?: string;
    }
  | {
      /** The host's own mapper; its output is refused when empty, over 256 characters or looking like PII. */
      map: (appUserId: string) => string | Promise<string>;
    };

export interface AccountProvisionerOptions {
  platform: PlatformOptions;
  /** From `createPgliteStore()` or `createPostgresStore()`. */
  store: AccountStore;
  externalIds: ExternalIdOptions;
  /** Structured logger. @default silentLogger */
  logger?: Logger;
  /** Close the store in `close()`. @default true */
  closeStore?: boolean;
}
