import { LRUCache } from 'lru-cache';
import type { ProvisionedAccount } from './types.js';

/**
 * A small LRU of resolved accounts by app user id (lru-cache underneath). Safe because a mapping never
 * changes once written (no code path updates or deletes a row), so a hit can skip the database entirely:
 * that is what makes the warm path nearly as cheap as a bare route. An opt-out removes the learner (the row
 * stays, but is not answered while opted out). Only positive answers are cached;
 * "no account yet" always asks the store. A capacity of 0 turns it off (lru-cache needs at least 1).
 */
export class ResolvedAccountCache {
  readonly #entries: LRUCache<string, ProvisionedAccount> | undefined;

  constructor(capacity: number) {
    this.#entries = capacity > 0 ? new LRUCache({ max: capacity }) : undefined;
  }

  get(appUserId: string): ProvisionedAccount | undefined {
    return this.#entries?.get(appUserId);
  }

  set(appUserId: string, account: ProvisionedAccount): void {
    this.#entries?.set(appUserId, account);
  }

  /** Forgets the user (an opt-out: the account stays, but is no longer answered). */
  delete(appUserId: string): void {
    this.#entries?.delete(appUserId);
  }
}
