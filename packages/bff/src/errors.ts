/**
 * Errors the provisioning core throws. The HTTP layer maps each to one answer of the contract:
 * `KnewtonUnavailableError` → 503 `knewton_unavailable`, `StoreUnavailableError` → 503 `store_unavailable`,
 * `KnewtonOptedOutError` → 403 `knewton_opted_out`,
 * `InvalidExternalIdError` and `AccountStoreConflictError` → 500 `internal_error` (a host's mapper is wrong
 * or the store is corrupted; the caller can do nothing).
 * Messages never contain app user ids, external ids, tokens or secrets.
 */
export abstract class BffError extends Error {
  override name: string = 'BffError';
}

export function isBffError(error: unknown): error is BffError {
  return error instanceof BffError;
}

/** The Knewton Platform is down, timing out, rate limiting us beyond our budget, or refusing our calls. */
export class KnewtonUnavailableError extends BffError {
  override name = 'KnewtonUnavailableError' as const;
  /** Seconds after which a retry is sensible; goes into `Retry-After`. */
  readonly retryAfterSeconds: number;
  /** The platform's HTTP status when it answered at all. */
  readonly status: number | undefined;

  constructor(
    message: string,
    options: { retryAfterSeconds?: number; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.status = options.status;
  }
}

/**
 * The learner's erasure has not finished (the platform has not confirmed the deletion yet): nothing is
 * created for them until it has. Answered 503 with `Retry-After`, like the platform being unavailable.
 */
export class ErasureInProgressError extends KnewtonUnavailableError {
  constructor() {
    super("The learner's Knewton data is being erased; try again shortly", {
      retryAfterSeconds: 2,
    });
  }
}

export function isKnewtonUnavailableError(error: unknown): error is KnewtonUnavailableError {
  return (
    error instanceof KnewtonUnavailableError ||
    (error as Error | undefined)?.name === 'KnewtonUnavailableError'
  );
}

/** The account store (PGlite or PostgreSQL) cannot be reached or failed a query. */
export class StoreUnavailableError extends BffError {
  override name = 'StoreUnavailableError' as const;
  /** Seconds after which a retry is sensible; goes into `Retry-After`. */
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

export function isStoreUnavailableError(error: unknown): error is StoreUnavailableError {
  return (
    error instanceof StoreUnavailableError ||
    (error as Error | undefined)?.name === 'StoreUnavailableError'
  );
}

/**
 * An external id mapper produced a value the platform must not receive: empty, longer than 256 characters,
 * or looking like PII. A server-side bug; nothing was sent or stored.
 */
export class InvalidExternalIdError extends BffError {
  override name = 'InvalidExternalIdError' as const;
}

export function isInvalidExternalIdError(error: unknown): error is InvalidExternalIdError {
  return (
    error instanceof InvalidExternalIdError ||
    (error as Error | undefined)?.name === 'InvalidExternalIdError'
  );
}

/**
 * The store refused a mapping because its external id or account id already belongs to another app user:
 * a broken external id mapper or a corrupted store, which must stop provisioning rather than be papered
 * over. Internal: it surfaces as 500 `internal_error`.
 */
export class AccountStoreConflictError extends BffError {
  override name = 'AccountStoreConflictError' as const;
}

/** The owner of a PGlite folder as a refused open reports it. */
export interface PgliteFolderOwner {
  pid: number;
  host: string;
  /** When the owner took the folder (ISO 8601). */
  since: string;
}

/**
 * A PGlite folder is already open, in another process or this one. PGlite must never see two writers (two
 * instances on one folder corrupt it), so the second open is refused before PGlite touches the folder.
 * Not a `StoreUnavailableError`: retrying does not help while the owner lives.
 */
export class PgliteFolderInUseError extends BffError {
  override name = 'PgliteFolderInUseError' as const;
  readonly dataDir: string;
  readonly lockPath: string;
  /** `undefined` when the lock's owner record could not be read. */
  readonly owner: PgliteFolderOwner | undefined;

  constructor(
    message: string,
    options: { dataDir: string; lockPath: string; owner: PgliteFolderOwner | undefined },
  ) {
    super(message);
    this.dataDir = options.dataDir;
    this.lockPath = options.lockPath;
    this.owner = options.owner;
  }
}

export function isPgliteFolderInUseError(error: unknown): error is PgliteFolderInUseError {
  return (
    error instanceof PgliteFolderInUseError ||
    (error as Error | undefined)?.name === 'PgliteFolderInUseError'
  );
}

/**
 * The learner opted out of Knewton features (`optOut`): nothing is created or sent for them until
 * `optIn`. Not a failure to retry: the same call gives the same answer until the learner opts back in.
 * Surfaces as 403 `knewton_opted_out`.
 */
export class KnewtonOptedOutError extends BffError {
  override name = 'KnewtonOptedOutError' as const;

  constructor(message = 'The learner opted out of Knewton features') {
    super(message);
  }
}

export function isKnewtonOptedOutError(error: unknown): error is KnewtonOptedOutError {
  return (
    error instanceof KnewtonOptedOutError ||
    (error as Error | undefined)?.name === 'KnewtonOptedOutError'
  );
}
