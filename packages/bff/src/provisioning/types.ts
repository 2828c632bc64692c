import type { OptOutChange } from '../store/optOutQueries.js';

export type { OptOutChange };

/** A Knewton account the store maps to an app user. Immutable once written. */
export interface ProvisionedAccount {
  accountId: string;
  createdAt: Date;
}

/** How an ensure ended. `repaired`: created earlier, its answer lost, recovered now (counts as created). */
export type EnsureOutcome = 'existed' | 'created' | 'repaired' | 'queued';

/** An ensure that has the account. */
export interface EnsuredAccount {
  account: ProvisionedAccount;
  outcome: 'existed' | 'created' | 'repaired';
  /** `true` exactly once per user: for the call that wrote the mapping (a repaired lost create counts). */
  created: boolean;
}

/**
 * An ensure that gave up waiting (only with `holdMs`): the create is still queued in the background, a
 * later ensure or `getAccount` returns the account. Ask again after `retryAfterSeconds`.
 */
export interface QueuedEnsure {
  account: undefined;
  outcome: 'queued';
  created: false;
  retryAfterSeconds: number;
}

export type EnsureAccountResult = EnsuredAccount | QueuedEnsure;

/** Per-call context; `requestId` travels to the platform as `request-label` and into logs. */
export interface ProvisioningContext {
  requestId?: string;
}

/** Options of one ensure. */
export interface EnsureAccountContext extends ProvisioningContext {
  /**
   * Longest the caller will wait for the account, from the call: when the rate-limit line is longer the
   * ensure resolves `queued` at once; when the create has not finished by then (a slow store or platform)
   * it resolves `queued` at the end of the hold (or throws `KnewtonUnavailableError` while the platform's
   * creates are failing); either way the create goes on in the background. `undefined`: wait as long as
   * it takes (scripts, eager sign-up). @default undefined
   */
  holdMs?: number;
}

export interface AccountProvisioner {
  /**
   * The user's account if the store has one. Never calls the platform, never creates. Throws
   * `KnewtonOptedOutError` for a user who opted out.
   */
  getAccount(
    appUserId: string,
    context?: ProvisioningContext,
  ): Promise<ProvisionedAccount | undefined>;
  /**
   * The user's account, created on the platform first if needed; exactly one create per user, ever.
   * Throws `KnewtonOptedOutError` for a user who opted out, having created and sent nothing.
   */
  ensureAccount(
    appUserId: string,
    context?: ProvisioningContext & { holdMs?: undefined },
  ): Promise<EnsuredAccount>;
  /** With `holdMs`: resolves `queued` instead of holding the caller behind the platform's rate limits. */
  ensureAccount(appUserId: string, context: EnsureAccountContext): Promise<EnsureAccountResult>;
  /**
   * The user's account when this process already resolved it (answered from memory, synchronously), or
   * `undefined`: then ask `ensureAccount`. Optional; the BFF's `PUT /account` uses it so that the warm
   * path answers without an async step, and counts it as an ensure that found the account (span and
   * metrics). `createAccountProvisioner`'s answers from its cache of resolved accounts.
   */
  knownAccount?(appUserId: string, context?: ProvisioningContext): ProvisionedAccount | undefined;
  /**
   * Erases the user's Knewton data: the platform account is deleted (`DELETE /v0/accounts/{id}`), the
   * user's registrations and undelivered events are removed, and no row maps the user to the old account
   * or external id any more (an erasure tombstone keyed by a keyed hash of the user id keeps the count of
   * erasures, so the next ensure creates a fresh account with a new external id). Exactly once and
   * crash-safe; resolves also when there was nothing to erase. Optional for a host's own provisioner;
   * `createAccountProvisioner`'s has it.
   */
  eraseAccount?(
    appUserId: string,
    context?: ProvisioningContext,
  ): Promise<'erased' | 'already erased' | 'no account'>;
  /**
   * Opts the user out of Knewton features: from the moment it resolves no account is created for them
   * and nothing of theirs is sent to the platform, in any process sharing the store. A create already
   * at the platform finishes first (the account is kept, unused); one still waiting in line, here or
   * in another process, is refused (its ensure throws `KnewtonOptedOutError`). The user's undelivered
   * events are deleted. Works whether or not the user has an account; repeating it changes nothing.
   */
  optOut(appUserId: string, context?: ProvisioningContext): Promise<OptOutChange>;
  /** Withdraws the opt-out: the next ensure provisions as usual (reusing a kept account). */
  optIn(appUserId: string, context?: ProvisioningContext): Promise<OptOutChange>;
  /** Whether the user opted out (asks the store). */
  isOptedOut(appUserId: string): Promise<boolean>;
  /**
   * Resolves when the store answers and a platform token is at hand (a cached, unexpired one counts, so a
   * platform blip does not take every replica out of rotation); throws the unavailable errors otherwise.
   */
  checkReadiness(): Promise<void>;
  /**
   * Stops: new ensures are refused, users still queued are answered at once (503 with Retry-After),
   * platform calls in flight get `graceMs` to finish and are then cut short (nothing half written); then
   * the store is closed unless `closeStore: false`.
   */
  close(options?: CloseOptions): Promise<void>;
}

export interface CloseOptions {
  /** How long creates already sent to the platform may take to finish. @default 10000 */
  graceMs?: number;
}
