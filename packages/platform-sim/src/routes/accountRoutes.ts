import { accountJson } from '../accountJson.js';
import { checkExternalUserId, duplicateAccountMessage } from '../externalUserId.js';
import { readJsonObject } from '../requestBody.js';
import { jsonResponse, noContentResponse } from '../responses.js';
import { SimHttpError } from '../SimHttpError.js';
import type { AuthenticatedRouteContext, SimRoute } from '../simState.js';

export function requirePartnerAdmin(context: AuthenticatedRouteContext): void {
  if (!context.caller.partnerAdmin) {
    throw new SimHttpError(403, 'Only the partner admin account may do this.');
  }
}

/** `X-Knewton-Test: true` marks test accounts (documented for `POST /accounts` and `POST /batch`). */
export function isTestRequest(request: Request): boolean {
  return request.headers.get('x-knewton-test')?.trim().toLowerCase() === 'true';
}

export const createAccountRoute: SimRoute = {
  method: 'POST',
  path: '/v0/accounts',
  auth: 'bearer',
  async handler(context) {
    requirePartnerAdmin(context);
    const body = await readJsonObject(context.request);
    const { state } = context;
    const externalUserId = checkExternalUserId(
      body.external_user_id,
      state.options.rejectPiiExternalIds,
    );
    const account = state.accounts.create(
      externalUserId,
      isTestRequest(context.request),
      context.now,
    );
    if (!account) throw new SimHttpError(422, duplicateAccountMessage(externalUserId));
    context.createdAccount = true;
    return jsonResponse(201, accountJson(account));
  },
};

export const currentAccountRoute: SimRoute = {
  method: 'GET',
  path: '/v0/accounts/current',
  auth: 'bearer',
  handler(context) {
    return jsonResponse(200, accountJson(context.caller));
  },
};

export const getAccountRoute: SimRoute = {
  method: 'GET',
  path: '/v0/accounts/{id}',
  auth: 'bearer',
  handler(context) {
    const id = context.params.id ?? '';
    // Documented: an account may read itself; the partner admin may read any of the partner's.
    if (!context.caller.partnerAdmin && context.caller.id !== id) {
      throw new SimHttpError(
        403,
        'An account may only read itself unless it is the partner admin.',
      );
    }
    const account = context.state.accounts.get(id);
    if (!account) throw new SimHttpError(404, `No account with id ${id}.`);
    return jsonResponse(200, accountJson(account));
  },
};

export const deleteAccountRoute: SimRoute = {
  method: 'DELETE',
  path: '/v0/accounts/{id}',
  auth: 'bearer',
  handler(context) {
    requirePartnerAdmin(context);
    const id = context.params.id ?? '';
    const account = context.state.accounts.get(id);
    if (!account) throw new SimHttpError(404, `No account with id ${id}.`);
    if (account.partnerAdmin)
      throw new SimHttpError(403, 'The partner admin account cannot be deleted.');
    context.state.accounts.delete(id, context.now);
    context.deletedAccount = true;
    return noContentResponse();
  },
};
