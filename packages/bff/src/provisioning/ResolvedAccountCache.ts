import type { ProvisionedAccount } from './types.js';

/**
 * A small LRU of resolved accounts by app user id. Safe because a mapping never changes once written (no
 * code path updates or deletes a row), so a hit can skip the database entirely: that is what makes the warm
 * path nearly as cheap as a bare route. Only positive answers are cached; "no account yet" always asks the store.
 */
export class ResolvedAccountCache {
  readonly #entries = new Map<string, ProvisionedAccount>();

  constructor(private readonly capacity: number) {}

  get(appUserId: string): ProvisionedAccount | undefined {
    const account = this.#entries.get(appUserId);
    if (account) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.#entries.delete(appUserId);
      this.#entries.set(appUserId, account);
    }
    return account;
  }

  set(appUserId: string, account: ProvisionedAccount): void {
    if (this.capacity === 0) return;
    this.#entries.delete(appUserId);
    this.#entries.set(appUserId, account);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}
