import { LRUCache } from 'lru-cache';
import type { ProvisionedAccount } from './types.js';

/**
 * A small LRU of resolved accounts by app user id (lru-cache underneath). A mapping never changes once
 * written; only an erasure deletes it, and an opt-out stops answering it (the row stays): both drop the user
 * here (`delete`), so a hit can skip the database: that is what makes the warm path nearly as cheap as a
 * bare route. Only positive answers are cached;
 * "no account yet" always asks the store. A capacity of 0 turns it off (lru-cache needs at least 1).
 */
export class ResolvedAccountCache {
  readonly #entries: LRUCache<string, ProvisionedAccount> | undefined;

  /**
   * `maxAgeMs`: how long an entry is trusted. An erasure in another process (PostgreSQL) cannot reach this
   * process's memory, so there an entry must expire; `undefined` keeps entries until evicted.
   */
  constructor(capacity: number, maxAgeMs?: number) {
    this.#entries =
      capacity > 0
        ? new LRUCache(
            maxAgeMs === undefined ? { max: capacity } : { max: capacity, ttl: maxAgeMs },
          )
        : undefined;
  }

  get(appUserId: string): ProvisionedAccount | undefined {
    return this.#entries?.get(appUserId);
  }

  set(appUserId: string, account: ProvisionedAccount): void {
    this.#entries?.set(appUserId, account);
  }

  /** Forgets the user (erased, or opted out: the account stays but is no longer answered). */
  delete(appUserId: string): void {
    this.#entries?.delete(appUserId);
  }
}
