import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { PlatformFetch } from './createPlatformTransport.js';

/** Where and how to reach the Knewton Platform; read by the account and the learning calls alike. */
export interface PlatformClientOptions {
  /** Base URL of the Knewton Platform, e.g. `https://api.knewton.com` (the `/v0` is added). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** External id of the partner-admin ("system") account whose token makes the calls. */
  systemExternalUserId: string;
  /** Per-attempt timeout of one platform request. @default 5000 */
  timeoutMs?: number | undefined;
  /** Retries after a 5xx, a timeout or a network error. @default 2 */
  maxRetries?: number | undefined;
  /** Resends after a 429, each after the platform's `X-Knewton-Rate-Delay` or a growing pause. @default 5 */
  maxRateLimitRetries?: number | undefined;
  /** First backoff step; later steps double up to 20 times this. @default 100 */
  retryBaseDelayMs?: number | undefined;
  /** Fetch implementation (called with a `Request`), e.g. the simulator's in-process `fetch`. @default globalThis.fetch */
  fetch?: PlatformFetch | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
  /**
   * The per-token limits the client paces account creation to. Change them only if your agreement with
   * Knewton says otherwise; `timeScale` divides the minute (60 applies the per-minute limits per second),
   * to match the simulator's `rateLimitScale` in tests. @default { accountCreatesPerMinute: 750, batchCallsPerMinute: 90, timeScale: 1 }
   */
  rateLimits?: PlatformRateLimits | undefined;
  /** What pacing, timeouts, token expiry and back-off read the time from. @default systemClock */
  clock?: Clock | undefined;
}

export interface PlatformRateLimits {
  /** `POST /v0/accounts` per token per minute. @default 750 */
  accountCreatesPerMinute?: number | undefined;
  /** `POST /v0/batch` per token per minute; 0 never batches. @default 90 */
  batchCallsPerMinute?: number | undefined;
  /** @default 1 */
  timeScale?: number | undefined;
}
