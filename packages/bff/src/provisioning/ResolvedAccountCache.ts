import { LRUCache } from 'lru-cache';
import type { ProvisionedAccount } from './types.js';

/**
 * What one cached account costs the heap beyond its two strings: lru-cache's slot (key and value arrays,
 * links, its Map entry), the `{ accountId, createdAt }` object and its `Date`. Measured on Node 20
 * (`--expose-gc`, heap used before and after 100,000 entries with 37-character ids and a size
 * calculation): about 350 bytes per entry in all, which this charges as 388. The strings are counted at
 * two bytes a character (V8 keeps ids with characters beyond Latin-1 that way), so long ids are not
 * undercounted either.
 */
const entryOverheadBytes = 240;

/** 64 MiB: see `ResolvedAccountCache`. */
export const defaultAccountCacheBytes = 64 * 2 ** 20;

/** Bytes one entry is charged: an upper estimate of its heap cost (see `entryOverheadBytes`). */
export function accountEntryBytes(appUserId: string, account: ProvisionedAccount): number {
  return entryOverheadBytes + 2 * (appUserId.length + account.accountId.length);
}

/**
 * An LRU of resolved accounts by app user id (lru-cache underneath), bounded by an estimate of the memory it
 * holds rather than by a count, so the bound means the same whatever length the host's ids have. The
 * default 64 MiB keeps about 170,000 users with 37-character ids (100,000 when the app user id and the
 * account id have ~210 characters between them): a working set that size is answered from memory, without
 * a store query. Safe because a mapping never changes once written; the ways a user stops being answered
 * (an erasure deletes the row, an opt-out keeps it unanswered) call `delete`. Only positive answers are
 * cached; "no account yet" always asks the store. 0 bytes turns it off.
 */
export class ResolvedAccountCache {
  readonly #entries: LRUCache<string, ProvisionedAccount> | undefined;

  /**
   * `maxAgeMs`: how long an entry is trusted. An erasure in another process (PostgreSQL) cannot reach this
   * process's memory, so there an entry must expire; `undefined` keeps entries until evicted.
   */
  constructor(maxBytes: number, maxAgeMs?: number) {
    this.#entries =
      maxBytes > 0
        ? new LRUCache({
            maxSize: maxBytes,
            sizeCalculation: (account, appUserId) => accountEntryBytes(appUserId, account),
            ...(maxAgeMs === undefined ? {} : { ttl: maxAgeMs }),
          })
        : undefined;
  }

  get(appUserId: string): ProvisionedAccount | undefined {
    return this.#entries?.get(appUserId);
  }

  set(appUserId: string, account: ProvisionedAccount): void {
    this.#entries?.set(appUserId, account);
  }

  /** Forgets the user (erased, or opted out): the next lookup asks the store. */
  delete(appUserId: string): void {
    this.#entries?.delete(appUserId);
  }

  /** Users held now. */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** Estimated bytes held now (the sum of `accountEntryBytes`). */
  get bytes(): number {
    return this.#entries?.calculatedSize ?? 0;
  }
}
