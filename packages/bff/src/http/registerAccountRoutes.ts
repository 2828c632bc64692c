import { type AccountQueuedResponse, type AccountResponse, bffPaths } from '@knewton-kit/contract';
import type { Context } from 'hono';
import type { AccountProvisioner, ProvisionedAccount } from '../provisioning/types.js';
import { ApiError } from './ApiError.js';
import type { BffRouter } from './createBffRouter.js';
import type { UserRateLimits } from './createUserRateLimits.js';
import type { RouterEnv } from './RouterEnv.js';
import { readJsonBody } from './readJsonBody.js';
import { type Authenticate, appUserOf } from './requireAppUser.js';
import { respondJson, respondJsonText } from './respondJson.js';

export interface AccountRoutesOptions {
  provisioner: AccountProvisioner;
  authenticate: Authenticate;
  /** Per-user budget of account requests; `undefined` for none. */
  rateLimits: UserRateLimits;
}

/**
 * Longest a `PUT` is held, from arrival, before `202 queued`: no browser request waits more than about 5 s.
 * It bounds the whole ensure; a create still running goes on in the background and the next `PUT` or `GET`
 * returns it. The 0.5 s margin covers a late timer on a busy event loop and writing the answer.
 */
const createHoldMs = 4_500;

/**
 * `GET /account` reads the signed-in user's account (404 `account_not_found`, never creates);
 * `PUT /account` ensures it (201 when created by this call, 200 when it existed, 202 `queued` with
 * `Retry-After` when the account is not there within about 5 s: the platform's rate limits, a slow store
 * or a slow platform; 503 when the platform is failing); `DELETE /account` erases it (204).
 */
export function registerAccountRoutes(router: BffRouter, options: AccountRoutesOptions): void {
  const { provisioner, authenticate, rateLimits } = options;

  /** The signed-in user, rate limit spent; synchronous when `authenticate` is. */
  function signedInUser(c: Context<RouterEnv>): string | Promise<string> {
    const appUserId = appUserOf(c, authenticate);
    return typeof appUserId === 'string' ? spendBudget(appUserId) : appUserId.then(spendBudget);
  }

  function spendBudget(appUserId: string): string {
    rateLimits.spend('account', appUserId);
    return appUserId;
  }

  /** Synchronous when the provisioner already knows the account: the warm path. */
  function ensure(c: Context<RouterEnv>, appUserId: string): Response | Promise<Response> {
    const known = provisioner.knownAccount?.(appUserId, { requestId: c.get('requestId') });
    return known === undefined
      ? ensureThroughProvisioner(c, appUserId)
      : respondAccount(c, known, 200);
  }

  async function ensureThroughProvisioner(c: Context<RouterEnv>, appUserId: string) {
    // The hold counts from the request's arrival: a session check slowed by a busy store comes off it.
    const heldSoFarMs = performance.now() - (c.get('receivedAt') ?? performance.now());
    const result = await provisioner.ensureAccount(appUserId, {
      requestId: c.get('requestId'),
      holdMs: Math.max(0, createHoldMs - heldSoFarMs),
    });
    if (result.outcome === 'queued') {
      // Not held behind the platform's rate limits: the create goes on, the client asks again.
      return respondJson(c, { status: 'queued' } satisfies AccountQueuedResponse, 202, {
        'retry-after': String(result.retryAfterSeconds),
      });
    }
    return respondAccount(c, result.account, result.created ? 201 : 200);
  }

  router.route(bffPaths.account, {
    async GET(c) {
      const appUserId = await signedInUser(c);
      const account = await provisioner.getAccount(appUserId, { requestId: c.get('requestId') });
      if (account === undefined) {
        throw new ApiError('account_not_found', 'The signed-in user has no Knewton account yet.');
      }
      return respondAccount(c, account, 200);
    },
    PUT(c) {
      refuseBodyFields(readJsonBody(c));
      const appUserId = signedInUser(c);
      return typeof appUserId === 'string'
        ? ensure(c, appUserId)
        : appUserId.then((id) => ensure(c, id));
    },
    // Erasure: 204 once done (also when there was nothing to erase), so a retry after a lost answer is
    // harmless; 503 with Retry-After while the platform or store cannot complete it (nothing half done).
    async DELETE(c) {
      refuseBodyFields(readJsonBody(c));
      const appUserId = await signedInUser(c);
      if (!provisioner.eraseAccount) {
        throw new ApiError(
          'method_not_allowed',
          "This BFF's provisioner cannot erase accounts (it has no eraseAccount).",
        );
      }
      await provisioner.eraseAccount(appUserId, { requestId: c.get('requestId') });
      return c.body(null, 204);
    },
  });
}

/**
 * The answer's JSON per account, made once: the provisioner's cache hands back the same account object
 * for every warm request, and `toISOString` plus `JSON.stringify` cost a few per cent of the warm path.
 * Weakly held, so it lives exactly as long as the cache keeps the account.
 */
const accountJson = new WeakMap<ProvisionedAccount, string>();

function respondAccount(c: Context<RouterEnv>, account: ProvisionedAccount, status: number) {
  let json = accountJson.get(account);
  if (json === undefined) {
    json = JSON.stringify(toAccountResponse(account));
    accountJson.set(account, json);
  }
  return respondJsonText(c, json, status);
}

/**
 * `PUT /account` takes no input: the account is always the signed-in user's. An empty body or `{}` is
 * accepted (some clients send one); anything else, such as a smuggled `userId`, is refused with 400 so a
 * caller who believes it can choose the user learns otherwise.
 */
function refuseBodyFields(body: unknown): void {
  if (body === undefined) return;
  const isEmptyObject =
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.keys(body).length === 0;
  if (!isEmptyObject) {
    throw new ApiError(
      'bad_request',
      "PUT /account takes no fields: the account is always the signed-in user's.",
    );
  }
}

function toAccountResponse(account: ProvisionedAccount): AccountResponse {
  return { accountId: account.accountId, createdAt: account.createdAt.toISOString() };
}
