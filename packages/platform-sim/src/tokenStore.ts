import { randomBytes } from 'node:crypto';

export interface AccessTokenRecord {
  accountId: string;
  expiresAt: number;
}

export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  accountId: string;
  expiresAt: number;
}

export type TokenCheck =
  | { kind: 'valid'; accountId: string }
  | { kind: 'expired' }
  | { kind: 'unknown' };

// Sweeping expired tokens only once the map is this large keeps issuing O(1) in the common case.
const SWEEP_THRESHOLD = 10_000;

/** Access tokens (32 hex characters, as in the platform's samples) and single-use refresh tokens. */
export class TokenStore {
  readonly #access = new Map<string, AccessTokenRecord>();
  // Refresh token → account id. Single use (rotated on refresh): stricter than many OAuth servers,
  // so a client that works here does not rely on reusing one.
  readonly #refresh = new Map<string, string>();

  issue(accountId: string, now: number, ttlSeconds: number): IssuedToken {
    if (this.#access.size >= SWEEP_THRESHOLD) this.#sweep(now);
    const accessToken = randomBytes(16).toString('hex');
    const refreshToken = randomBytes(16).toString('hex');
    const expiresAt = now + ttlSeconds * 1000;
    this.#access.set(accessToken, { accountId, expiresAt });
    this.#refresh.set(refreshToken, accountId);
    return { accessToken, refreshToken, accountId, expiresAt };
  }

  check(accessToken: string, now: number): TokenCheck {
    const record = this.#access.get(accessToken);
    if (!record) return { kind: 'unknown' };
    if (now >= record.expiresAt) return { kind: 'expired' };
    return { kind: 'valid', accountId: record.accountId };
  }

  /** Consumes a refresh token; returns its account id, or `undefined` when unknown or already used. */
  redeemRefreshToken(refreshToken: string): string | undefined {
    const accountId = this.#refresh.get(refreshToken);
    if (accountId !== undefined) this.#refresh.delete(refreshToken);
    return accountId;
  }

  /** The token-expiry fault: every access token issued so far expires now; refresh tokens still work. */
  expireAll(now: number): void {
    for (const record of this.#access.values()) {
      if (record.expiresAt > now) record.expiresAt = now;
    }
  }

  reset(): void {
    this.#access.clear();
    this.#refresh.clear();
  }

  #sweep(now: number): void {
    for (const [token, record] of this.#access) {
      if (now >= record.expiresAt) this.#access.delete(token);
    }
  }
}
