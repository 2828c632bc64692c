import { randomUUID } from 'node:crypto';
import { deterministicUuid } from './deterministicId.js';

export interface AccountRecord {
  id: string;
  externalUserId: string;
  createdAt: number;
  /** Set when the account was disabled by `DELETE /v0/accounts/{id}`. */
  deletedAt: number | undefined;
  /** Created with `X-Knewton-Test: true`. */
  test: boolean;
  partnerAdmin: boolean;
}

/**
 * The partner's accounts. External ids are never released: a deleted (disabled) account keeps its
 * external id, so creating it again is a duplicate, as the platform documents.
 */
export class AccountStore {
  readonly #byId = new Map<string, AccountRecord>();
  readonly #byExternalId = new Map<string, AccountRecord>();
  readonly systemAccount: AccountRecord;

  constructor(systemExternalUserId: string, apiKey: string) {
    this.systemAccount = {
      id: deterministicUuid(`system-account:${apiKey}:${systemExternalUserId}`),
      externalUserId: systemExternalUserId,
      createdAt: 0,
      deletedAt: undefined,
      test: false,
      partnerAdmin: true,
    };
    this.reset();
  }

  /** Forgets everything except the seeded system account. */
  reset(): void {
    this.#byId.clear();
    this.#byExternalId.clear();
    this.#byId.set(this.systemAccount.id, this.systemAccount);
    this.#byExternalId.set(this.systemAccount.externalUserId, this.systemAccount);
  }

  /** Replaces every created account with `accounts` (from a state file); the system account stays. */
  restore(accounts: readonly AccountRecord[]): void {
    this.reset();
    for (const account of accounts) {
      this.#byId.set(account.id, account);
      this.#byExternalId.set(account.externalUserId, account);
    }
  }

  /** Returns `undefined` when the external id was ever used. */
  create(externalUserId: string, test: boolean, now: number): AccountRecord | undefined {
    if (this.#byExternalId.has(externalUserId)) return undefined;
    const account: AccountRecord = {
      id: randomUUID(),
      externalUserId,
      createdAt: now,
      deletedAt: undefined,
      test,
      partnerAdmin: false,
    };
    this.#byId.set(account.id, account);
    this.#byExternalId.set(externalUserId, account);
    return account;
  }

  /** Active (not deleted) account by id. */
  get(id: string): AccountRecord | undefined {
    const account = this.#byId.get(id);
    return account && account.deletedAt === undefined ? account : undefined;
  }

  /** Any account, deleted or not, by external id. */
  findByExternalId(externalUserId: string): AccountRecord | undefined {
    return this.#byExternalId.get(externalUserId);
  }

  delete(id: string, now: number): boolean {
    const account = this.get(id);
    if (!account || account.partnerAdmin) return false;
    account.deletedAt = now;
    return true;
  }

  /** Every account created through the API (not the system account), deleted ones included. */
  created(): AccountRecord[] {
    return [...this.#byId.values()].filter((account) => !account.partnerAdmin);
  }

  /** Number of created accounts that are not deleted. */
  activeCount(): number {
    let count = 0;
    for (const account of this.#byId.values()) {
      if (!account.partnerAdmin && account.deletedAt === undefined) count++;
    }
    return count;
  }
}
