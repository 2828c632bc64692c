import type { KyInstance } from 'ky';

/**
 * `lazy`: the first gate that needs the account ensures it (`PUT`, creating it if missing).
 * `eager`: gates only read it (`GET`); the sign-up flow creates it with `useProvisionKnewtonAccount()`.
 */
export type KnewtonMode = 'lazy' | 'eager';

/** How the kit reaches the BFF. Shared by `KnewtonProvider` and `knewtonAccountQueryOptions()`. */
export interface KnewtonClientOptions {
  /** Where the BFF's Knewton routes are mounted, resolved against the page's URL. @default '/api/knewton' */
  baseUrl?: string | undefined;
  /** When the account is created. @default 'lazy' */
  mode?: KnewtonMode | undefined;
  /**
   * The host's ky instance: its headers, hooks (auth) and timeout apply; retries stay with TanStack
   * Query. @default ky
   */
  ky?: KyInstance | undefined;
  /**
   * How many times a network failure, 5xx or 429 is retried before the error state (the kit goes on
   * trying in the background after it). @default the QueryClient's `retry` default when that is a
   * number or `false`, else 3
   */
  retry?: number | undefined;
}
