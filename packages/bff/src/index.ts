// The BFF: routes, options and the building blocks for a host's own routes beside them.
export { createKnewtonBff } from './createKnewtonBff.js';
// Errors and logging.
export {
  BffError,
  InvalidExternalIdError,
  isBffError,
  isInvalidExternalIdError,
  isKnewtonUnavailableError,
  isStoreUnavailableError,
  KnewtonUnavailableError,
  StoreUnavailableError,
} from './errors.js';
export type { ApiErrorOptions } from './http/ApiError.js';
export { ApiError, isApiError } from './http/ApiError.js';
export type { BffRouter, BffRouterOptions, RouteMethod } from './http/createBffRouter.js';
export { createBffRouter } from './http/createBffRouter.js';
export type { RateLimitOptions } from './http/createRateLimiter.js';
export type { RouterEnv } from './http/RouterEnv.js';
export { readJsonBody } from './http/readJsonBody.js';
export type { Authenticate } from './http/requireAppUser.js';
export { requireAppUser } from './http/requireAppUser.js';
export type { KnewtonBff, KnewtonBffLimits, KnewtonBffOptions } from './KnewtonBffOptions.js';
export type { Logger, LogLevel } from './logger.js';
export { createJsonLogger, silentLogger } from './logger.js';
export type { PlatformRateLimits } from './platform/createPlatformClient.js';
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
// Provisioning, for eager creation in a host's own server code.
export { createAccountProvisioner } from './provisioning/createAccountProvisioner.js';
export type {
  AccountProvisioner,
  CloseOptions,
  EnsureAccountContext,
  EnsureAccountResult,
  EnsuredAccount,
  EnsureOutcome,
  ProvisionedAccount,
  ProvisioningContext,
  QueuedEnsure,
} from './provisioning/types.js';
export type { AccountRow, AccountStore } from './store/AccountStore.js';
export type { PgliteStoreOptions } from './store/createPgliteStore.js';
// Stores.
export { createPgliteStore } from './store/createPgliteStore.js';
export type { PostgresStoreOptions } from './store/createPostgresStore.js';
export { createPostgresStore } from './store/createPostgresStore.js';
