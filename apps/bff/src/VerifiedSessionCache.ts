import { LRUCache } from 'lru-cache';

/** A session this process verified: signature checked, row found live in the database at `checkedAt`. */
export interface VerifiedSession {
  /** The row's key (SHA-256 of the token), for the background re-check. */
  tokenHash: string;
  userId: string;
  /** When the session ends (epoch ms), from its row. */
  expiresAt: number;
  /** When the database last said the row exists (epoch ms, taken before the query was sent). */
  checkedAt: number;
  /** When a request last used it (epoch ms): only sessions in use are re-checked in the background. */
  usedAt: number;
}

export interface VerifiedSessionCacheOptions {
  /** Sessions kept (least recently used dropped first). */
  maxEntries: number;
  /** How long a verified session is trusted without asking the database again (ms); 0 turns caching off. */
  revalidateMs: number;
  now: () => number;
  /**
   * Which of these token hashes still have a live row, with their expiry (one query for many sessions);
   * run in the background every `revalidateMs / 5` for the sessions in use, so they never go stale on a request.
   */
  findLive: (tokenHashes: string[]) => Promise<Map<string, number>>;
  /** Told when a background re-check fails (the sessions then go stale and are checked per request). */
  onRecheckError: (error: unknown) => void;
}

/** Hashes per re-check query: far below PostgreSQL's 65,535 bind parameters, short statements for PGlite. */
const recheckChunk = 500;
/**
 * A session used within this long is kept fresh in the background: a learner who pauses between two
 * questions does not pay a database round trip on the next one. Older ones go stale and are checked on use.
 */
export const activeSessionMs = 60_000;

/**
 * The example BFF's per-process cache of verified demo sessions, keyed by the cookie's value as sent: a hit
 * skips WebCrypto, the database and cookie decoding, otherwise nearly all of the warm path's time.
 *
 * Revocation: `forget` (a sign-out or sign-in here) drops the entry at once, and an in-flight lookup cannot
 * put it back (`revokedHere`). A sign-out elsewhere deletes the row, honoured here within `revalidateMs`:
 * an older entry is never used unchecked. A background pass re-checks sessions in use so requests don't.
 */
export class VerifiedSessionCache {
  readonly #options: VerifiedSessionCacheOptions;
  readonly #entries: LRUCache<string, VerifiedSession> | undefined;
  /** Token hashes revoked through this process recently: an in-flight lookup must not re-add them. */
  readonly #revokedHere: LRUCache<string, true>;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  /**
   * The cached sessions in the order they were last checked, oldest first (a Map keeps insertion order),
   * for the background re-check. Entries evicted from or dropped by `#entries` linger here until the
   * re-check reaches them and finds them gone.
   */
  readonly #byCheckedAt = new Map<string, VerifiedSession>();
  #rechecking = false;

  constructor(options: VerifiedSessionCacheOptions) {
    this.#options = options;
    // Kept past any entry's trust window and any lookup in flight, so no spelling of the token outlives it.
    this.#revokedHere = new LRUCache({
      max: 10_000,
      ttl: Math.max(60_000, 2 * options.revalidateMs),
    });
    if (options.revalidateMs > 0 && options.maxEntries > 0) {
      this.#entries = new LRUCache({ max: options.maxEntries });
      // Every fifth of the bound, the sessions at 60% of it: re-checked at 60-80%, so a pass has a fifth of
      // the bound to finish before any of them goes stale (and costs its next request a round trip).
      this.#timer = setInterval(() => void this.recheck(), Math.max(1, options.revalidateMs / 5));
      // A cache never keeps a process alive.
      this.#timer.unref();
    }
  }

  /** The user of a cookie value verified less than `revalidateMs` ago and not expired; else `undefined`. */
  get(cookieValue: string): string | undefined {
    const entry = this.#entries?.get(cookieValue);
    if (entry === undefined) return undefined;
    // The same token sent in another spelling (encoded differently) is another entry: a sign-out of one ends all.
    if (this.#revokedHere.size > 0 && this.#revokedHere.has(entry.tokenHash)) return undefined;
    const t = this.#options.now();
    if (t >= entry.expiresAt || t - entry.checkedAt >= this.#options.revalidateMs) return undefined;
    entry.usedAt = t;
    return entry.userId;
  }

  /**
   * The token hash of a cookie value whose signature was verified before (its entry may be stale): the
   * database must be asked again, but the signature need not be checked again for the very same value.
   */
  verifiedTokenHash(cookieValue: string): string | undefined {
    const tokenHash = this.#entries?.peek(cookieValue)?.tokenHash;
    return tokenHash === undefined || this.#revokedHere.has(tokenHash) ? undefined : tokenHash;
  }

  /** Remembers a session the database confirmed at `checkedAt` (unless it was revoked here meanwhile). */
  set(
    cookieValue: string,
    session: { tokenHash: string; userId: string; expiresAt: number; checkedAt: number },
  ): void {
    if (this.#entries === undefined || this.#revokedHere.has(session.tokenHash)) return;
    const entry = { ...session, usedAt: session.checkedAt };
    this.#entries.set(cookieValue, entry);
    // To the end of the re-check order (deleted first: a Map keeps a key where it was first set).
    this.#byCheckedAt.delete(cookieValue);
    this.#byCheckedAt.set(cookieValue, entry);
  }

  /** Drops a session revoked (or found gone) through this process; effective for this process at once. */
  forget(cookieValue: string | undefined, tokenHash: string): void {
    this.#revokedHere.set(tokenHash, true);
    if (cookieValue !== undefined) this.#entries?.delete(cookieValue);
  }

  /** Drops an entry the database no longer has (expired or revoked elsewhere). */
  drop(cookieValue: string): void {
    this.#entries?.delete(cookieValue);
  }

  /**
   * Re-checks the sessions used within `activeSessionMs` once they are 60% of the way to `revalidateMs`: live
   * ones are trusted anew from the query's start, gone ones are dropped. One pass at a time.
   */
  async recheck(): Promise<void> {
    const entries = this.#entries;
    if (entries === undefined || this.#rechecking) return;
    this.#rechecking = true;
    const due: Array<[string, VerifiedSession]> = [];
    let done = 0;
    try {
      const t = this.#options.now();
      const dueAfterMs = this.#options.revalidateMs * 0.6;
      // Oldest check first: the pass stops at the first session not yet due rather than visiting every
      // cached one each fifth of the bound (~7% of a busy example BFF's CPU with 6,000 sessions).
      for (const [key, entry] of this.#byCheckedAt) {
        if (t - entry.checkedAt < dueAfterMs) break;
        // Evicted, dropped or replaced since: nothing to re-check (a replacement is queued on its own).
        // Stale: never used again without a lookup, which queues it anew.
        if (entries.peek(key) !== entry || t - entry.checkedAt >= this.#options.revalidateMs) {
          this.#byCheckedAt.delete(key);
          continue;
        }
        // Idle: not re-checked now, but kept in line: used again while still trusted (a bound above a
        // minute), it is re-checked by a later pass instead of going stale on a request.
        if (t - entry.usedAt >= activeSessionMs) continue;
        this.#byCheckedAt.delete(key);
        due.push([key, entry]);
      }
      for (; done < due.length; done += recheckChunk) {
        const chunk = due.slice(done, done + recheckChunk);
        const startedAt = this.#options.now();
        const live = await this.#options.findLive(chunk.map(([, entry]) => entry.tokenHash));
        for (const [key, entry] of chunk) {
          // Only the entry that was checked: a newer one for the same key was set after a check of its own.
          if (entries.peek(key) !== entry) continue;
          const expiresAt = live.get(entry.tokenHash);
          if (expiresAt === undefined || this.#revokedHere.has(entry.tokenHash))
            entries.delete(key);
          else {
            Object.assign(entry, { checkedAt: startedAt, expiresAt });
            this.#byCheckedAt.set(key, entry);
          }
        }
      }
    } catch (error) {
      // The sessions not re-checked stay due, back at the front of the line where the next pass starts
      // (put at its end, behind sessions not yet due, the pass stopped before reaching them).
      const notRechecked = due
        .slice(done)
        .filter(([key, entry]) => entries.peek(key) === entry && !this.#byCheckedAt.has(key));
      const rest = [...this.#byCheckedAt];
      this.#byCheckedAt.clear();
      for (const [key, entry] of [...notRechecked, ...rest]) this.#byCheckedAt.set(key, entry);
      this.#options.onRecheckError(error);
    } finally {
      this.#rechecking = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
