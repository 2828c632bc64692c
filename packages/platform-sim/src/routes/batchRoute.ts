import { checkExternalUserId, duplicateAccountMessage } from '../externalUserId.js';
import { readJsonObject } from '../requestBody.js';
import { jsonResponse } from '../responses.js';
import { SimHttpError } from '../SimHttpError.js';
import type { SimRoute } from '../simState.js';
import { isTestRequest, requirePartnerAdmin } from './accountRoutes.js';

export const MAX_BATCH_REQUESTS = 50;

type BatchItemResponse =
  | {
      code: 200;
      body: { external_user_id: string; account_id: string; entitlements: string[] };
    }
  | { code: number; error_message: string };

/**
 * `POST /v0/batch` for account creations. Each item gets its own code; the whole answer is 200 when
 * every item succeeded and 207 (partial success) when any item failed.
 */
export const batchRoute: SimRoute = {
  method: 'POST',
  path: '/v0/batch',
  auth: 'bearer',
  async handler(context) {
    requirePartnerAdmin(context);
    const body = await readJsonObject(context.request);
    const requests = body.requests;
    if (!Array.isArray(requests) || requests.length === 0) {
      throw new SimHttpError(422, 'requests must be a non-empty array.');
    }
    if (requests.length > MAX_BATCH_REQUESTS) {
      throw new SimHttpError(422, `A batch holds at most ${MAX_BATCH_REQUESTS} requests.`);
    }
    const test = isTestRequest(context.request);
    const responses = requests.map((item): BatchItemResponse => {
      try {
        const externalUserId = readItem(item, context.state.options.rejectPiiExternalIds);
        const account = context.state.accounts.create(externalUserId, test, context.now);
        if (!account) return { code: 422, error_message: duplicateAccountMessage(externalUserId) };
        context.createdAccount = true;
        return {
          code: 200,
          body: {
            external_user_id: account.externalUserId,
            account_id: account.id,
            entitlements: [],
          },
        };
      } catch (error) {
        if (error instanceof SimHttpError)
          return { code: error.status, error_message: error.message };
        throw error;
      }
    });
    const allSucceeded = responses.every((response) => response.code === 200);
    return jsonResponse(allSucceeded ? 200 : 207, { responses });
  },
};

function readItem(item: unknown, rejectPii: boolean): string {
  // A malformed item is a bad request (400); a well-formed one with a bad field is 422, as in the single call.
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new SimHttpError(400, 'Each batch request must be an object.');
  }
  const { method, relative_url: relativeUrl, body } = item as Record<string, unknown>;
  if (typeof method !== 'string' || method.toLowerCase() !== 'post') {
    throw new SimHttpError(405, 'Only method "post" is supported in a batch.');
  }
  if (relativeUrl !== '/accounts') {
    throw new SimHttpError(404, 'Only relative_url "/accounts" is supported in a batch.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SimHttpError(400, 'body must be an object with external_user_id.');
  }
  return checkExternalUserId((body as Record<string, unknown>).external_user_id, rejectPii);
}
