// The BFF: routes, options and the building blocks for a host's own routes beside them.

// From the contract: the app user id normalization the routes apply, and the PII net for a host's checks.
export type { AppUserIdProblem, PiiKind } from '@knewton-kit/contract';
export {
  AppUserIdError,
  findPii,
  isAppUserIdError,
  looksLikePii,
  normalizeAppUserId,
} from '@knewton-kit/contract';
export type { Clock, ClockTimer } from './clock.js';
export { createKnewtonBff } from './createKnewtonBff.js';
export type { PgliteFolderOwner } from './errors.js';
export {
  BffError,
  InvalidExternalIdError,
  isBffError,
  isInvalidExternalIdError,
  isKnewtonOptedOutError,
  isKnewtonUnavailableError,
  isPgliteFolderInUseError,
  isStoreUnavailableError,
  KnewtonOptedOutError,
  KnewtonUnavailableError,
  PgliteFolderInUseError,
  StoreUnavailableError,
} from './errors.js';
export type { PseudonymKey } from './externalId/createExternalIdMapper.js';
export type { ApiErrorOptions } from './http/ApiError.js';
export { ApiError, isApiError } from './http/ApiError.js';
export type { BffRouter, BffRouterOptions, RouteMethod } from './http/createBffRouter.js';
export { createBffRouter } from './http/createBffRouter.js';
export type { RateLimitOptions } from './http/createRateLimiter.js';
export type { RateLimitedRoute } from './http/createUserRateLimits.js';
export type { NodeServerBindings, RouterEnv } from './http/RouterEnv.js';
export { readJsonBody } from './http/readJsonBody.js';
export type { Authenticate } from './http/requireAppUser.js';
export { requireAppUser } from './http/requireAppUser.js';
// The fixed security headers, for answers a host writes outside the router (e.g. Node's 'clientError').
export { securityHeaders } from './http/securityHeaders.js';
export type { KnewtonBff, KnewtonBffLimits, KnewtonBffOptions } from './KnewtonBffOptions.js';
export type { KnewtonLearningOptions } from './learning/KnewtonLearningOptions.js';
export type { LogFn, Logger, LogLevel } from './logger.js';
export { silentLogger } from './logger.js';
export { logRedactPaths } from './logRedactPaths.js';
export type { PlatformRateLimits } from './platform/PlatformClientOptions.js';
export type {
  AccountProvisionerOptions,
  ExternalIdOptions,
  PlatformOptions,
} from './provisioning/AccountProvisionerOptions.js';
export type {
  BackfillOptions,
  BackfillProblem,
  BackfillProgress,
  BackfillSummary,
} from './provisioning/backfillAccounts.js';
// Bulk eager creation for an existing user base (what `pnpm backfill` runs).
export { backfillAccounts } from './provisioning/backfillAccounts.js';
export { createAccountProvisioner } from './provisioning/createAccountProvisioner.js';
export type {
  EraseAccountsOptions,
  EraseProblem,
  EraseProgress,
  EraseSummary,
} from './provisioning/eraseAccounts.js';
// Bulk erasure of a list of learners (what `pnpm erase` runs).
export { eraseAccounts } from './provisioning/eraseAccounts.js';
export type {
  AccountProvisioner,
  CloseOptions,
  EnsureAccountContext,
  EnsureAccountResult,
  EnsuredAccount,
  EnsureOutcome,
  OptOutChange,
  ProvisionedAccount,
  ProvisioningContext,
  QueuedEnsure,
} from './provisioning/types.js';
export type { AccountRow, AccountStore } from './store/AccountStore.js';
export type { PgliteStoreOptions } from './store/createPgliteStore.js';
export { createPgliteStore } from './store/createPgliteStore.js';
export type { PostgresStoreOptions } from './store/createPostgresStore.js';
export { createPostgresStore } from './store/createPostgresStore.js';
export type { DeadLetterEvent, DeadLetterFilter } from './store/deadLetterEvents.js';
export { listDeadLetterEvents, purgeDeadLetterEvents } from './store/deadLetterEvents.js';
