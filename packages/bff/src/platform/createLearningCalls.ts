import { LRUCache } from 'lru-cache';
import { KnewtonUnavailableError } from '../errors.js';
import { type PlatformClientOptions, validatePlatformOptions } from './createPlatformClient.js';
import {
  createPlatformTransport,
  PlatformTimeoutError,
  type PlatformTransport,
} from './createPlatformTransport.js';
import { ipTokenPacer } from './ipTokenPacer.js';
import { SlidingWindowPacer } from './slidingWindowPacer.js';

export interface LearningCallContext {
  /** Sent as `request-label` so the platform's logs can be matched with ours. */
  requestId?: string;
}

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
 *
 * Deliberately one attempt per call (plus one token refresh on 401): these calls serve a request a
 * browser is waiting on, and the browser's query layer already retries 503s with `Retry-After`.
 */
export interface LearningCalls {
  /** `GET /v0/learning-instances`: the id of the partner's instance with this exact name, if any. */
  findLearningInstanceByName(
    name: string,
    context?: LearningCallContext,
  ): Promise<string | undefined>;
  /** `POST /v0/learning-instances`. */
  createLearningInstance(
    graphId: string,
    name: string,
    context?: LearningCallContext,
  ): Promise<string>;
  /** `GET /v0/learning-instances/{id}/registrations`: this account's registration there, if any. */
  findRegistration(
    learningInstanceId: string,
    accountId: string,
    context?: LearningCallContext,
  ): Promise<string | undefined>;
  /** `POST /v0/registrations` as a learner. */
  createRegistration(
    learningInstanceId: string,
    accountId: string,
    context?: LearningCallContext,
  ): Promise<CreateRegistrationOutcome>;
  /**
   * `POST /v0/registrations/{id}/batch-events` with the learner's token (at most 500 events).
   * `refused`: the platform answered a 4xx other than 401/429 (it will never take these events).
   */
  sendBatchEvents(
    externalId: string,
    registrationId: string,
    events: readonly unknown[],
    context: LearningCallContext | undefined,
    budget: CallBudget,
  ): Promise<{ kind: 'delivered' } | { kind: 'refused'; status: number }>;
  /** `GET /v0/registrations/{id}/recommendation` with the learner's token. */
  recommendation(
    externalId: string,
    registrationId: string,
    context?: LearningCallContext,
  ): Promise<PlatformRecommendation>;
}

/** A call's hard end: `signal` aborts at `endsAt` (epoch ms), `ms` after the call began. */
interface Deadline {
  ms: number;
  endsAt: number;
  signal: AbortSignal;
}

/** What a request under a deadline passes to the transport: the time left as its timeout, the deadline's signal. */
interface RequestLimits {
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface CachedToken {
  accessToken: string;
  /** Epoch ms after which it is not used any more (short of the platform's expiry). */
  refreshAt: number;
}

/**
 * Documented: 375 `POST /registrations` a minute per token (here the partner-admin token, one per
 * process); the pacer holds each slot until its call is answered, so 2 s of slack is generous. Found by the chaos suite: with 16
 * learners delivered at once, first registrations of 1,000 learners went past it (13 × 429).
 */
const registrationsPerMinute = 375;
const registrationWindowMs = 62_000;
/** Learner tokens kept; beyond that the least recently used learner asks for a new one. */
const learnerTokenCacheSize = 10_000;

export function createLearningCalls(options: PlatformClientOptions): LearningCalls {
  const config = validatePlatformOptions(options);
  const http: PlatformTransport = createPlatformTransport({
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    fetch: config.fetch,
  });
  const basicAuth = `Basic ${Buffer.from(`${config.apiKey}:${config.apiSecret}`, 'utf8').toString('base64')}`;
  // Shared with the provisioner's token requests: the platform limits them per IP.
  const tokenPacer = ipTokenPacer(config.baseUrl);
  const registrationPacer = new SlidingWindowPacer(registrationsPerMinute, registrationWindowMs);
  // One entry per scope (the system id or a learner's external id); an in-flight request is shared.
  const tokens = new LRUCache<string, Promise<CachedToken>>({ max: learnerTokenCacheSize });

  function labelHeaders(context: LearningCallContext | undefined): Record<string, string> {
    const label = context?.requestId?.replace(/[^\x20-\x7e]/g, '').slice(0, 256);
    return label ? { 'request-label': label } : {};
  }

  /** One request; transport failures, 5xx and 429 become `KnewtonUnavailableError`. */
  async function attempt(
    what: string,
    run: () => Promise<Response>,
    deadline?: Deadline,
  ): Promise<Response> {
    let response: Response;
    try {
      response = await run();
    } catch (error) {
      const reason = deadline?.signal.aborted
        ? `gave up: its budget of ${deadline.ms} ms ran out`
        : error instanceof PlatformTimeoutError
          ? `timed out after ${config.timeoutMs} ms`
          : 'failed to connect';
      throw new KnewtonUnavailableError(`Knewton ${what} ${reason}`, {
        cause: error,
        retryAfterSeconds: 2,
      });
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new KnewtonUnavailableError(`Knewton ${what} answered ${response.status}`, {
        status: response.status,
        // On 429 the platform documents no Retry-After; a per-token window is a minute long.
        retryAfterSeconds: response.status === 429 ? 5 : 2,
      });
    }
    return response;
  }

  async function readJson(response: Response, what: string): Promise<unknown> {
    try {
      return await response.json();
    } catch (error) {
      throw new KnewtonUnavailableError(`Knewton ${what} answered unreadable JSON`, {
        cause: error,
      });
    }
  }

  function refused(what: string, status: number): KnewtonUnavailableError {
    return new KnewtonUnavailableError(`Knewton ${what} refused the request (${status})`, {
      status,
      retryAfterSeconds: 30,
    });
  }

  function token(scope: string, context: LearningCallContext | undefined): Promise<CachedToken> {
    const cached = tokens.get(scope);
    if (cached) {
      return cached.then((found) =>
        found.refreshAt > Date.now() ? found : renew(scope, context, cached),
      );
    }
    return renew(scope, context, undefined);
  }

  function renew(
    scope: string,
    context: LearningCallContext | undefined,
    stale: Promise<CachedToken> | undefined,
  ): Promise<CachedToken> {
    // Someone else renewed already: use theirs (single flight per scope).
    const current = tokens.get(scope);
    if (current && current !== stale) return current;
    const what = 'POST /v0/oauth/token';
    const pending = (async () => {
      const slot = await tokenPacer.take();
      // Counted until answered and a window beyond (see `SlidingWindowPacer`).
      const response = await attempt(what, () =>
        http.post('oauth/token', {
          headers: { authorization: basicAuth, ...labelHeaders(context) },
          form: new URLSearchParams({ grant_type: 'client_credentials', scope }),
        }),
      ).finally(() => slot.answered());
      if (!response.ok) {
        await response.body?.cancel();
        throw refused(what, response.status);
      }
      const body = (await readJson(response, what)) as Record<string, unknown> | null;
      const accessToken = body?.access_token;
      if (typeof accessToken !== 'string' || accessToken === '') {
        throw new KnewtonUnavailableError(`Knewton ${what} answered without an access token`);
      }
      const lifetimeMs =
        (typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3599) *
        1000;
      return {
        accessToken,
        refreshAt: Date.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10),
      };
    })();
    tokens.set(scope, pending);
    pending.catch(() => {
      if (tokens.get(scope) === pending) tokens.delete(scope);
    });
    return pending;
  }

  /**
   * A call with `scope`'s token; a 401 (expired or revoked token) renews it and tries once more. With a
   * `deadline`, waiting for the token counts against it and each request's timeout is what is left of it.
   */
  async function call(
    scope: string,
    what: string,
    context: LearningCallContext | undefined,
    send: (authorization: string, limits: RequestLimits) => Promise<Response>,
    deadline?: Deadline,
  ): Promise<Response> {
    for (let tries = 0; ; tries++) {
      const { accessToken } = await withinDeadline(token(scope, context), what, deadline);
      const limits: RequestLimits = deadline
        ? { timeoutMs: Math.max(1, deadline.endsAt - Date.now()), signal: deadline.signal }
        : {};
      const response = await attempt(what, () => send(`Bearer ${accessToken}`, limits), deadline);
      if (response.status !== 401 || tries > 0) return response;
      await response.body?.cancel();
      // Drop only the token that failed: another caller may already have fetched a fresh one.
      const stored = tokens.get(scope);
      if (stored && (await stored.catch(() => undefined))?.accessToken === accessToken) {
        tokens.delete(scope);
      }
    }
  }

  /** The token (shared by every caller of its scope) is waited for only until the deadline. */
  async function withinDeadline<T>(
    pending: Promise<T>,
    what: string,
    deadline: Deadline | undefined,
  ): Promise<T> {
    if (!deadline) return pending;
    const { signal } = deadline;
    const expired = () =>
      new KnewtonUnavailableError(
        `Knewton ${what} gave up waiting for a token: its budget of ${deadline.ms} ms ran out`,
        { retryAfterSeconds: 2 },
      );
    if (signal.aborted) throw expired();
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(expired());
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  const system = config.systemExternalUserId;

  function headers(authorization: string, context: LearningCallContext | undefined) {
    return { authorization, ...labelHeaders(context) };
  }

  async function createdId(response: Response, what: string): Promise<string> {
    if (!response.ok) {
      await response.body?.cancel();
      throw refused(what, response.status);
    }
    const id = ((await readJson(response, what)) as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') {
      throw new KnewtonUnavailableError(`Knewton ${what} answered without an id`);
    }
    return id;
  }

  async function list(response: Response, what: string): Promise<Record<string, unknown>[]> {
    if (!response.ok) {
      await response.body?.cancel();
      throw refused(what, response.status);
    }
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
      const response = await call(system, what, context, (authorization) =>
        http.get('learning-instances', { headers: headers(authorization, context) }),
      );
      const found = (await list(response, what)).find((instance) => instance.name === name);
      return typeof found?.id === 'string' ? found.id : undefined;
    },

    async createLearningInstance(graphId, name, context) {
      const what = 'POST /v0/learning-instances';
      const response = await call(system, what, context, (authorization) =>
        http.post('learning-instances', {
          headers: headers(authorization, context),
          json: { graph_id: graphId, name },
        }),
      );
      return createdId(response, what);
    },

    async findRegistration(learningInstanceId, accountId, context) {
      const what = 'GET /v0/learning-instances/{id}/registrations';
      const response = await call(system, what, context, (authorization) =>
        http.get(`learning-instances/${encodeURIComponent(learningInstanceId)}/registrations`, {
          headers: headers(authorization, context),
        }),
      );
      const found = (await list(response, what)).find(
        (registration) => registration.account_id === accountId,
      );
      return typeof found?.id === 'string' ? found.id : undefined;
    },

    async createRegistration(learningInstanceId, accountId, context) {
      const what = 'POST /v0/registrations';
      const slot = await registrationPacer.take();
      // Counted until answered and a window beyond (see `SlidingWindowPacer`); never left taken.
      const response = await call(system, what, context, (authorization) =>
        http.post('registrations', {
          headers: headers(authorization, context),
          json: {
            account_id: accountId,
            learning_instance_id: learningInstanceId,
            type: 'learner',
          },
        }),
      ).finally(() => slot.answered());
      if (response.status === 422) {
        const body = (await readJson(response, what).catch(() => undefined)) as
          | Record<string, unknown>
          | undefined;
        const message = String(body?.message ?? body?.error_message ?? '');
        if (/already registered/i.test(message)) return { kind: 'duplicate' };
        // The documented 422 "entity limit"; the account's own limit (also 500) is not the instance's.
        if (/learning instance/i.test(message) && /limit|registrations/i.test(message))
          return { kind: 'instance-full' };
        throw refused(what, 422);
      }
      return { kind: 'created', registrationId: await createdId(response, what) };
    },

    async sendBatchEvents(externalId, registrationId, events, context, budget) {
      const what = 'POST /v0/registrations/{id}/batch-events';
      // Background delivery, no browser waiting: the request may take the whole budget (not just the
      // client's `timeoutMs`), since a call abandoned after the platform took the batch is a duplicate.
      const deadline: Deadline = {
        ms: budget.ms,
        endsAt: Date.now() + budget.ms,
        signal: AbortSignal.timeout(budget.ms),
      };
      const response = await call(
        externalId,
        what,
        context,
        (authorization, limits) =>
          http.post(`registrations/${encodeURIComponent(registrationId)}/batch-events`, {
            headers: headers(authorization, context),
            json: { events },
            ...limits,
          }),
        deadline,
      );
      await response.body?.cancel();
      if (response.ok) return { kind: 'delivered' };
      if (response.status === 401) {
        throw new KnewtonUnavailableError(`Knewton ${what} refused a fresh token (401)`, {
          status: 401,
          retryAfterSeconds: 5,
        });
      }
      return { kind: 'refused', status: response.status };
    },

    async recommendation(externalId, registrationId, context) {
      const what = 'GET /v0/registrations/{id}/recommendation';
      const response = await call(externalId, what, context, (authorization) =>
        http.get(`registrations/${encodeURIComponent(registrationId)}/recommendation`, {
          headers: headers(authorization, context),
        }),
      );
      if (!response.ok) {
        await response.body?.cancel();
        throw refused(what, response.status);
      }
      const body = (await readJson(response, what)) as Record<string, unknown> | null;
      const recommendationId = body?.recommendation_id;
      const moduleIds = body?.module_ids;
      const status = body?.status;
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
