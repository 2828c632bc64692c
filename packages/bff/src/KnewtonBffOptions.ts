import type { RateLimitOptions } from './http/createRateLimiter.js';
import type { RateLimitedRoute } from './http/createUserRateLimits.js';
import type { Authenticate } from './http/requireAppUser.js';
import type { KnewtonLearningOptions } from './learning/KnewtonLearningOptions.js';
import type { Logger } from './logger.js';
import type {
  ExternalIdOptions,
  PlatformOptions,
} from './provisioning/AccountProvisionerOptions.js';
import type {
  AccountProvisioner,
  CloseOptions,
  OptOutChange,
  ProvisioningContext,
} from './provisioning/types.js';
import type { AccountStore } from './store/AccountStore.js';

export interface KnewtonBffLimits {
  /** Largest accepted request body in bytes; larger ones get 413 `payload_too_large`. @default 65536 */
  maxBodyBytes?: number | undefined;
  /**
   * Per-user request budget of each route, per process, or `false` for none; over it, 429 `rate_limited`
   * with `Retry-After` to that user only. One `{ requests, windowMs }` (or `false`) sets every route; an
   * object keyed by route (`account`: `GET`/`PUT /account`, `recommendation`, `events`) sets those routes
   * and leaves the others at the default. Each route has its own budget.
   * @default { requests: 30, windowMs: 10000 } on each route
   */
  rateLimit?:
    | RateLimitOptions
    | false
    | Partial<Record<RateLimitedRoute, RateLimitOptions | false>>;
  /**
   * Users that may wait at once for the platform's rate limits; beyond it `PUT /account` answers 503
   * `knewton_unavailable` with `Retry-After` (nothing is lost: the next `PUT` queues again). Only used when
   * the BFF creates its provisioner. @default 20000
   */
  maxQueuedCreations?: number | undefined;
}

export interface KnewtonBffOptions {
  /**
   * Reads the signed-in app user's id from the request (your own session cookie or token), or resolves to
   * `undefined` when nobody is signed in. The only source of identity: URLs and bodies are never read.
   */
  authenticate: Authenticate;
  /**
   * A provisioner you created with `createAccountProvisioner` (and close yourself), e.g. to share it with
   * an eager sign-up handler. Give either this or `platform`, `store` and `externalIds`. @default undefined
   */
  provisioner?: AccountProvisioner | undefined;
  /** Knewton Platform URL and credentials; required without `provisioner`. @default undefined */
  platform?: PlatformOptions | undefined;
  /** From `createPgliteStore()` or `createPostgresStore()`; required without `provisioner`. @default undefined */
  store?: AccountStore | undefined;
  /** HMAC key (or your own mapper) for external ids; required without `provisioner`. @default undefined */
  externalIds?: ExternalIdOptions | undefined;
  /** Origins (`https://app.example.com`) allowed to send state-changing requests and to use CORS. @default [] */
  allowedOrigins?: string[] | undefined;
  /** Request size and per-user rate limits. @default { maxBodyBytes: 65536, rateLimit: { requests: 30, windowMs: 10000 } } */
  limits?: KnewtonBffLimits | undefined;
  /** Receives one structured line per request, without personal data or secrets. @default silentLogger */
  logger?: Logger | undefined;
  /** Where the routes are mounted; `''` for the root. @default '/api/knewton' */
  basePath?: string | undefined;
  /**
   * Learning features: with a knowledge graph id, `GET /recommendation` is served (registering each
   * learner once, on first use). Needs `platform` and `store`, not `provisioner`. @default undefined (off)
   */
  learning?: KnewtonLearningOptions | undefined;
}

/** What `createKnewtonBff` resolves to. */
export interface KnewtonBff {
  /**
   * The Web-standard handler for Node, Express, a Next.js route handler or anything with `Request`. Pass
   * `env` on when you wrap it: @hono/node-server's Node request lets a body-less request skip its body.
   * It may answer synchronously (a warm `PUT`), like Hono's: `await` it rather than calling `.then`.
   */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
  /** The provisioner behind the routes, for eager creation in your own server code. */
  provisioner: AccountProvisioner;
  /**
   * Erases a user's Knewton data, for your own account-deletion flow (what `DELETE /account` does for the
   * signed-in user): the platform account, registrations, undelivered events and the mapping. Exactly
   * once and crash-safe; the user's next ensure creates a fresh account with a new external id.
   */
  eraseAccount(appUserId: string): Promise<void>;
  /**
   * Opts the learner out of Knewton features (suppression). Once it resolves, nothing is created or sent
   * to the platform for them, in any process sharing the store: `PUT` and `GET /account`,
   * `GET /recommendation` and `POST /events` answer 403 `knewton_opted_out`, a creation still queued is
   * refused, and their undelivered events are deleted. An existing account is kept, unused (erasure is a
   * separate operation). Idempotent; `changed` says whether the learner was opted in before.
   */
  optOut(appUserId: string, context?: ProvisioningContext): Promise<OptOutChange>;
  /** Withdraws the opt-out: the next `PUT /account` provisions as usual (reusing a kept account). */
  optIn(appUserId: string, context?: ProvisioningContext): Promise<OptOutChange>;
  /** Whether the learner opted out (asks the store). */
  isOptedOut(appUserId: string): Promise<boolean>;
  /**
   * Stops event delivery and closes the provisioner (and its store) if this BFF created it; a provisioner
   * you passed in stays open.
   * Users still queued for the platform's rate limits are answered at once (503, `Retry-After`); creates in
   * flight get `graceMs` (default 10 s) to finish, then are cut short with nothing half written.
   */
  close(options?: CloseOptions): Promise<void>;
}
