import { KnewtonUnavailableError } from '../errors.js';
import { BatchUnavailableError } from './BatchUnavailableError.js';
import { connectToPlatform } from './connectToPlatform.js';
import { createAccountCreateGate } from './createAccountCreateGate.js';
import { type CreationSlots, createCreationSlots } from './createCreationSlots.js';
import type { PlatformCallContext } from './PlatformCallContext.js';
import { requestLabelHeaders } from './PlatformCallContext.js';
import type { PlatformClientOptions } from './PlatformClientOptions.js';
import {
  accountDeletesPerMinute,
  maxBatchSize,
  pacingSlackMs,
  perTokenWindowMs,
} from './platformLimits.js';
import { readJsonObject, refusal } from './readPlatformAnswer.js';
import { type PacerSlot, SlidingWindowPacer } from './slidingWindowPacer.js';

export type CreateAccountOutcome = { kind: 'created'; accountId: string } | { kind: 'duplicate' };

/** One item's answer in `POST /v0/batch`: created, a 422 duplicate (repair it), or refused for a reason. */
export type BatchItemOutcome =
  | CreateAccountOutcome
  | { kind: 'refused'; status: number; message: string };

/** Per-call options of the account creates. */
export interface CreateCallOptions {
  /**
   * The pacing slot the caller already took for this call's first attempt (`PlatformClient.creationSlots`);
   * the client answers or releases it. Without one the call waits for its own.
   */
  slot?: PacerSlot;
}

/** The few platform calls provisioning needs, with auth, pacing, retries and timeouts built in. */
export interface PlatformClient {
  /** `POST /v0/accounts`; a 422 duplicate is an outcome, not an error (the caller repairs it). */
  createAccount(
    externalId: string,
    context?: PlatformCallContext,
    options?: CreateCallOptions,
  ): Promise<CreateAccountOutcome>;
  /**
   * `POST /v0/batch` with one account create per external id (at most 50), answered per item in order.
   * Throws `BatchUnavailableError` when the platform does not offer `/batch` (then `creationSlots
   * .batchAvailable` turns false and the fact is logged once), `KnewtonUnavailableError` otherwise.
   */
  createAccounts(
    externalIds: readonly string[],
    context?: PlatformCallContext,
    options?: CreateCallOptions,
  ): Promise<BatchItemOutcome[]>;
  /** The create endpoints' pacing windows. */
  readonly creationSlots: CreationSlots;
  /**
   * Cuts every platform call still running (and every pacing or backoff wait) short: they reject with
   * `KnewtonUnavailableError`. For a bounded shutdown; the client is unusable afterwards.
   */
  abort(): void;
  /** The account id of an existing external id, via a token request with `scope=<externalId>`; `undefined` if none. */
  findAccountIdByExternalId(
    externalId: string,
    context?: PlatformCallContext,
  ): Promise<string | undefined>;
  /**
   * `DELETE /v0/accounts/{id}` with the partner-admin token: `'deleted'`, or `'not found'` when the
   * platform no longer has it (deleted earlier, its answer lost), which an erasure counts as done.
   */
  deleteAccount(accountId: string, context?: PlatformCallContext): Promise<'deleted' | 'not found'>;
  /** `DELETE /v0/registrations/{id}` with the partner-admin token, answered like `deleteAccount`. */
  deleteRegistration(
    registrationId: string,
    context?: PlatformCallContext,
  ): Promise<'deleted' | 'not found'>;
  /** Resolves when a system token is cached or obtainable (readiness). */
  checkToken(context?: PlatformCallContext): Promise<void>;
}

/**
 * The account calls of the Knewton Platform v0, with the partner-admin token, paced per endpoint and
 * sent under the call policy with the configured retries (`maxRetries`, `maxRateLimitRetries`).
 */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const connection = connectToPlatform(options, (config) => ({
    maxRetries: config.maxRetries,
    maxRateLimitRetries: config.maxRateLimitRetries,
    rateLimitedRetryAfterSeconds: 1,
  }));
  const { config, logger, transport, policy, tokens } = connection;
  const pacing = createCreationSlots(config.rateLimits, connection.clock);
  const creates = createAccountCreateGate(connection.clock, connection.signal);
  const deletes = new SlidingWindowPacer(
    accountDeletesPerMinute,
    (perTokenWindowMs + pacingSlackMs) / config.rateLimits.timeScale,
    connection.clock,
  );
  const bearer = (context: PlatformCallContext | undefined) => ({
    tokens,
    scope: tokens.systemScope,
    context,
  });

  /** An erasure's DELETE, paced in the one window of deletes; a 404 (deleted before, its answer lost) is done. */
  async function deleteOne(
    what: string,
    path: string,
    context: PlatformCallContext | undefined,
  ): Promise<'deleted' | 'not found'> {
    const response = await policy.send({
      what,
      pacer: deletes,
      bearer: bearer(context),
      attempt: (authorization) =>
        transport.delete(path, {
          headers: { authorization: authorization as string, ...requestLabelHeaders(context) },
        }),
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return 'not found';
    }
    if (!response.ok) throw await refusal(response, what);
    await response.body?.cancel();
    return 'deleted';
  }

  return {
    async createAccount(externalId, context, callOptions) {
      const what = 'POST /v0/accounts';
      const response = await creates.send(what, callOptions?.slot, (onUnavailable) =>
        policy.send({
          what,
          onUnavailable,
          pacer: pacing.single,
          slot: callOptions?.slot,
          bearer: bearer(context),
          attempt: (authorization) =>
            transport.post('accounts', {
              headers: { authorization: authorization as string, ...requestLabelHeaders(context) },
              json: { external_user_id: externalId },
            }),
        }),
      );
      if (response.status === 422) {
        const body = await readJsonObject(response, what).catch(
          () => ({}) as Record<string, unknown>,
        );
        const message = String(body.error_message ?? body.message ?? '');
        if (/duplicate/i.test(message)) return { kind: 'duplicate' };
        throw new KnewtonUnavailableError(`Knewton ${what} refused the external id (422)`, {
          status: 422,
          retryAfterSeconds: 30,
        });
      }
      if (!response.ok) throw await refusal(response, what);
      const body = await readJsonObject(response, what);
      const accountId = body.id ?? body.account_id;
      if (typeof accountId !== 'string' || accountId === '') {
        throw new KnewtonUnavailableError(`Knewton ${what} answered without an account id`);
      }
      return { kind: 'created', accountId };
    },

    async createAccounts(externalIds, context, callOptions) {
      const what = 'POST /v0/batch';
      const sizeOk = externalIds.length > 0 && externalIds.length <= maxBatchSize;
      // Nothing will be sent: a slot the caller took for it is free again.
      if (!sizeOk || !pacing.slots.batchAvailable) callOptions?.slot?.release();
      if (!sizeOk) throw new RangeError(`A batch holds 1 to ${maxBatchSize} accounts`);
      if (!pacing.slots.batchAvailable) {
        throw new BatchUnavailableError(`Knewton ${what} is not available`, {
          retryAfterSeconds: 1,
        });
      }
      const response = await creates.send(what, callOptions?.slot, (onUnavailable) =>
        policy.send({
          what,
          onUnavailable,
          pacer: pacing.batch,
          slot: callOptions?.slot,
          bearer: bearer(context),
          attempt: (authorization) =>
            transport.post('batch', {
              headers: { authorization: authorization as string, ...requestLabelHeaders(context) },
              json: {
                requests: externalIds.map((externalId) => ({
                  method: 'post',
                  relative_url: '/accounts',
                  body: { external_user_id: externalId },
                })),
              },
            }),
        }),
      );
      const { status } = response;
      if (status === 404 || status === 405 || status === 410) {
        await response.body?.cancel();
        // Said once: every later create goes through POST /v0/accounts without asking again.
        if (pacing.slots.batchAvailable) {
          pacing.batchRefused();
          logger.warn(
            { status },
            'knewton POST /v0/batch is not available; creating accounts one at a time',
          );
        }
        throw new BatchUnavailableError(`Knewton ${what} is not available (${status})`, {
          status,
          retryAfterSeconds: 1,
        });
      }
      if (!response.ok) throw await refusal(response, what);
      const items = (await readJsonObject(response, what)).responses;
      if (!Array.isArray(items) || items.length !== externalIds.length) {
        // Some accounts may exist now; their users' next ensure repairs them (422 + scoped token).
        throw new KnewtonUnavailableError(
          `Knewton ${what} answered ${Array.isArray(items) ? items.length : 'no'} items for ${externalIds.length} requests`,
        );
      }
      return items.map(readBatchItem);
    },

    get creationSlots(): CreationSlots {
      return pacing.slots;
    },

    abort: connection.abort,

    deleteAccount: (accountId, context) =>
      deleteOne('DELETE /v0/accounts/{id}', `accounts/${encodeURIComponent(accountId)}`, context),

    deleteRegistration: (registrationId, context) =>
      deleteOne(
        'DELETE /v0/registrations/{id}',
        `registrations/${encodeURIComponent(registrationId)}`,
        context,
      ),

    findAccountIdByExternalId: (externalId, context) => tokens.accountIdOf(externalId, context),

    async checkToken(context) {
      await tokens.token(tokens.systemScope, context);
    },
  };
}

/** One item of a batch answer: `{code, body: {account_id}}` or `{code, error_message}`. */
function readBatchItem(item: unknown): BatchItemOutcome {
  const {
    code,
    body,
    error_message: errorMessage,
  } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const status = typeof code === 'number' ? code : 0;
  if (status >= 200 && status < 300) {
    const accountId = (body as Record<string, unknown> | undefined)?.account_id;
    if (typeof accountId === 'string' && accountId !== '') return { kind: 'created', accountId };
    return { kind: 'refused', status, message: 'the item answered without an account id' };
  }
  const message = typeof errorMessage === 'string' ? errorMessage : '';
  if (status === 422 && /duplicate/i.test(message)) return { kind: 'duplicate' };
  // The platform's message may quote the external id; it is never passed on.
  return { kind: 'refused', status, message: `the item was refused (${status})` };
}
