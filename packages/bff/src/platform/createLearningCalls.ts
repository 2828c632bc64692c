import { KnewtonUnavailableError } from '../errors.js';
import { connectToPlatform } from './connectToPlatform.js';
import type { AttemptLimits, RetryRules } from './createCallPolicy.js';
import { type PlatformCallContext, requestLabelHeaders } from './PlatformCallContext.js';
import type { PlatformClientOptions } from './PlatformClientOptions.js';
import { pacingSlackMs, perTokenWindowMs, registrationsPerMinute } from './platformLimits.js';
import { readJson, readJsonObject, refusal } from './readPlatformAnswer.js';
import { SlidingWindowPacer } from './slidingWindowPacer.js';

/**
 * A hard limit on a whole call: token, request and the one retry after a 401 together. Past it the call is
 * abandoned (`KnewtonUnavailableError`), so a caller holding a lease shorter than `ms` plus its own update
 * knows the call cannot still be under way when the lease runs out.
 */
export interface CallBudget {
  ms: number;
}

/** The platform's answer to `GET /v0/registrations/{id}/recommendation`, as the contract names it. */
export interface PlatformRecommendation {
  recommendationId: string;
  moduleIds: string[];
  status: 'in progress' | 'ready' | 'unfocused';
}

export type CreateRegistrationOutcome =
  | { kind: 'created'; registrationId: string }
  /** The platform refused it as already registered: the caller looks the registration up. */
  | { kind: 'duplicate' }
  /** 422 for the instance's entity limit (500 registrations): nothing was made, try another instance. */
  | { kind: 'instance-full' };

/**
 * The learning calls of the Knewton Platform v0: learning instances and registrations (with the
 * partner-admin token) and recommendations (with the learner's own token, `scope=<external id>`, so the
 * platform's per-token limits apply per learner). Every failure to get a usable answer is a
 * `KnewtonUnavailableError` with a `retryAfterSeconds`.
 */
export interface LearningCalls {
  /** `GET /v0/learning-instances`: the id of the partner's instance with this exact name, if any. */
  findLearningInstanceByName(
    name: string,
    context?: PlatformCallContext,
  ): Promise<string | undefined>;
  /** `POST /v0/learning-instances`. */
  createLearningInstance(
    graphId: string,
    name: string,
    context?: PlatformCallContext,
  ): Promise<string>;
  /** `GET /v0/learning-instances/{id}/registrations`: this account's registration there, if any. */
  findRegistration(
    learningInstanceId: string,
    accountId: string,
    context?: PlatformCallContext,
  ): Promise<string | undefined>;
  /** `POST /v0/registrations` as a learner. */
  createRegistration(
    learningInstanceId: string,
    accountId: string,
    context?: PlatformCallContext,
  ): Promise<CreateRegistrationOutcome>;
  /**
   * `POST /v0/registrations/{id}/batch-events` with the learner's token (at most 500 events).
   * `refused`: the platform answered a 4xx other than 401/429 (it will never take these events); `answer`
   * is the start of its body (at most 1,000 characters).
   */
  sendBatchEvents(
    externalId: string,
    registrationId: string,
    events: readonly unknown[],
    context: PlatformCallContext | undefined,
    budget: CallBudget,
  ): Promise<{ kind: 'delivered' } | { kind: 'refused'; status: number; answer: string }>;
  /** `GET /v0/registrations/{id}/recommendation` with the learner's token. */
  recommendation(
    externalId: string,
    registrationId: string,
    context?: PlatformCallContext,
  ): Promise<PlatformRecommendation>;
}

/**
 * One attempt per call (plus one token renewal on 401): these calls serve a request a browser is
 * waiting on, and the browser's query layer already retries 503s with `Retry-After`. On 429 the
 * platform documents no `Retry-After`; a per-token window is a minute long, so come back in 5 s.
 */
const oneAttempt: RetryRules = {
  maxRetries: 0,
  maxRateLimitRetries: 0,
  rateLimitedRetryAfterSeconds: 5,
};

export function createLearningCalls(options: PlatformClientOptions): LearningCalls {
  const { transport, policy, tokens, clock } = connectToPlatform(options, () => oneAttempt);
  const system = tokens.systemScope;
  // The partner-admin token's window, one per process (not scaled: the learning tests run at real limits).
  const registrationPacer = new SlidingWindowPacer(
    registrationsPerMinute,
    perTokenWindowMs + pacingSlackMs,
    clock,
  );

  /** A call with `scope`'s token (a learner's external id, or the system's). */
  function call(
    scope: string,
    what: string,
    context: PlatformCallContext | undefined,
    request: (headers: Record<string, string>, limits: AttemptLimits) => Promise<Response>,
    extra: { budget?: CallBudget; pacer?: SlidingWindowPacer } = {},
  ): Promise<Response> {
    return policy.send({
      what,
      pacer: extra.pacer,
      budgetMs: extra.budget?.ms,
      bearer: { tokens, scope, context },
      attempt: (authorization, limits) =>
        request(
          { authorization: authorization as string, ...requestLabelHeaders(context) },
          limits,
        ),
    });
  }

  async function createdId(response: Response, what: string): Promise<string> {
    if (!response.ok) throw await refusal(response, what);
    const id = (await readJsonObject(response, what)).id;
    if (typeof id !== 'string' || id === '') {
      throw new KnewtonUnavailableError(`Knewton ${what} answered without an id`);
    }
    return id;
  }

  async function list(response: Response, what: string): Promise<Record<string, unknown>[]> {
    if (!response.ok) throw await refusal(response, what);
    const body = await readJson(response, what);
    if (!Array.isArray(body))
      throw new KnewtonUnavailableError(`Knewton ${what} answered a non-list`);
    return body.filter(
      (item): item is Record<string, unknown> => typeof item === 'object' && item !== null,
    );
  }

  return {
    async findLearningInstanceByName(name, context) {
      const what = 'GET /v0/learning-instances';
      const response = await call(system, what, context, (headers) =>
        transport.get('learning-instances', { headers }),
      );
      const found = (await list(response, what)).find((instance) => instance.name === name);
      return typeof found?.id === 'string' ? found.id : undefined;
    },

    async createLearningInstance(graphId, name, context) {
      const what = 'POST /v0/learning-instances';
      const response = await call(system, what, context, (headers) =>
        transport.post('learning-instances', { headers, json: { graph_id: graphId, name } }),
      );
      return createdId(response, what);
    },

    async findRegistration(learningInstanceId, accountId, context) {
      const what = 'GET /v0/learning-instances/{id}/registrations';
      const path = `learning-instances/${encodeURIComponent(learningInstanceId)}/registrations`;
      const response = await call(system, what, context, (headers) =>
        transport.get(path, { headers }),
      );
      const found = (await list(response, what)).find(
        (registration) => registration.account_id === accountId,
      );
      return typeof found?.id === 'string' ? found.id : undefined;
    },

    async createRegistration(learningInstanceId, accountId, context) {
      const what = 'POST /v0/registrations';
      const response = await call(
        system,
        what,
        context,
        (headers) =>
          transport.post('registrations', {
            headers,
            json: {
              account_id: accountId,
              learning_instance_id: learningInstanceId,
              type: 'learner',
            },
          }),
        { pacer: registrationPacer },
      );
      if (response.status === 422) {
        const body = await readJsonObject(response, what).catch(() => undefined);
        const message = String(body?.message ?? body?.error_message ?? '');
        if (/already registered/i.test(message)) return { kind: 'duplicate' };
        // The documented 422 "entity limit"; the account's own limit (also 500) is not the instance's.
        if (/learning instance/i.test(message) && /limit|registrations/i.test(message))
          return { kind: 'instance-full' };
        throw new KnewtonUnavailableError(`Knewton ${what} refused the request (422)`, {
          status: 422,
          retryAfterSeconds: 30,
        });
      }
      return { kind: 'created', registrationId: await createdId(response, what) };
    },

    async sendBatchEvents(externalId, registrationId, events, context, budget) {
      const what = 'POST /v0/registrations/{id}/batch-events';
      const path = `registrations/${encodeURIComponent(registrationId)}/batch-events`;
      // Background delivery, no browser waiting: the request may take the whole budget (not just the
      // client's `timeoutMs`), since a call abandoned after the platform took the batch is a duplicate.
      const response = await call(
        externalId,
        what,
        context,
        (headers, limits) => transport.post(path, { headers, json: { events }, ...limits }),
        { budget },
      );
      if (response.ok) {
        await response.body?.cancel();
        return { kind: 'delivered' };
      }
      if (response.status === 401) {
        await response.body?.cancel();
        throw new KnewtonUnavailableError(`Knewton ${what} refused a fresh token (401)`, {
          status: 401,
          retryAfterSeconds: 5,
        });
      }
      const answer = await response.text().catch(() => '');
      return { kind: 'refused', status: response.status, answer: answer.slice(0, 1_000) };
    },

    async recommendation(externalId, registrationId, context) {
      const what = 'GET /v0/registrations/{id}/recommendation';
      const path = `registrations/${encodeURIComponent(registrationId)}/recommendation`;
      const response = await call(externalId, what, context, (headers) =>
        transport.get(path, { headers }),
      );
      if (!response.ok) throw await refusal(response, what);
      const body = await readJsonObject(response, what);
      const { recommendation_id: recommendationId, module_ids: moduleIds, status } = body;
      if (
        (typeof recommendationId !== 'number' && typeof recommendationId !== 'string') ||
        !Array.isArray(moduleIds) ||
        !moduleIds.every((id) => typeof id === 'string') ||
        (status !== 'in progress' && status !== 'ready' && status !== 'unfocused')
      ) {
        throw new KnewtonUnavailableError(`Knewton ${what} answered an unexpected shape`);
      }
      return { recommendationId: String(recommendationId), moduleIds, status };
    },
  };
}
