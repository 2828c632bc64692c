/** A Knewton account the store maps to an app user. Immutable once written. */
export interface ProvisionedAccount {
  accountId: string;
  createdAt: Date;
}

export interface EnsureAccountResult {
  account: ProvisionedAccount;
  /** `true` exactly once per user: for the call that wrote the mapping (a repaired lost create counts). */
  created: boolean;
}

/** Per-call context; `requestId` travels to the platform as `request-label` and into logs. */
export interface ProvisioningContext {
  requestId?: string;
}

export interface AccountProvisioner {
  /** The user's account if the store has one. Never calls the platform, never creates. */
  getAccount(
    appUserId: string,
    context?: ProvisioningContext,
  ): Promise<ProvisionedAccount | undefined>;
  /** The user's account, created on the platform first if needed; exactly one create per user, ever. */
  ensureAccount(appUserId: string, context?: ProvisioningContext): Promise<EnsureAccountResult>;
  /**
   * Resolves when the store answers and a platform token is at hand (a cached, unexpired one counts, so a
   * platform blip does not take every replica out of rotation); throws the unavailable errors otherwise.
   */
  checkReadiness(): Promise<void>;
  /** Waits for in-flight ensures, then closes the store unless `closeStore: false`. */
  close(): Promise<void>;
}
