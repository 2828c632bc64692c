import { type AccountStore, ApiError, type BffRouter } from '@knewton-kit/bff';
import {
  bffPaths,
  type RecommendationResponse,
  type RecommendationStatus,
} from '@knewton-kit/contract';

export interface RecommendationRoutesOptions {
  /** The signed-in app user of a request, or `undefined` (the same function the Knewton routes use). */
  authenticate: (request: Request) => string | undefined | Promise<string | undefined>;
  /** Where provisioning recorded each user's account id and external id. */
  store: AccountStore;
  /** Knewton Platform URL (without `/v0`) and the partner's credentials. */
  platform: { baseUrl: string; apiKey: string; apiSecret: string; systemExternalUserId: string };
  /** The knowledge graph (`gref-...`) the app's learning instance teaches. */
  graphId: string;
  /** Name of the learning instance this process creates on first use. @default 'knewton-kit demo' */
  learningInstanceName?: string;
  /** Per-request timeout of one platform call. @default 5000 */
  timeoutMs?: number;
}

/** How long the browser is asked to wait before asking again after the platform failed. */
const retryAfterSeconds = 5;
/** Tokens are dropped this long before the platform's expiry, so none expires mid-request. */
const tokenMarginMs = 60_000;

interface CachedToken {
  accessToken: string;
  refreshAt: number;
}

/**
 * `GET /api/knewton/recommendation`: the next modules for the signed-in learner. On first use the
 * process creates one learning instance (system token) and registers each learner in it (system
 * token); the recommendation itself is read with the learner's own token (`scope=<external id>`), so
 * the platform's per-token limit (15 per minute) applies per learner, not to the whole app.
 *
 * Never creates the Knewton account: without one the answer is 404 `account_not_found`, like
 * `GET /account`. Platform failures answer 503 `knewton_unavailable` with `Retry-After`.
 * Learning instance and registrations are remembered in memory only (see the README's limits).
 */
export function registerRecommendationRoutes(
  router: BffRouter,
  options: RecommendationRoutesOptions,
): void {
  const client = createLearningClient(options);
  router.route(`/knewton${bffPaths.recommendation}`, {
    async GET(c) {
      const userId = await options.authenticate(c.req.raw);
      if (userId === undefined) throw new ApiError('unauthenticated', 'Nobody is signed in.');
      const row = await options.store.findByAppUserId(userId).catch((cause: unknown) => {
        throw new ApiError('store_unavailable', 'The account store is not answering.', {
          retryAfterSeconds,
          cause,
        });
      });
      if (!row) {
        throw new ApiError('account_not_found', 'The signed-in user has no Knewton account yet.');
      }
      const recommendation = await client.recommend(
        row.accountId,
        row.externalId,
        c.get('requestId'),
      );
      return c.json(recommendation satisfies RecommendationResponse, 200);
    },
  });
}

interface PlatformAnswer {
  status: number;
  json: unknown;
}

function createLearningClient(options: RecommendationRoutesOptions) {
  const baseUrl = options.platform.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const basic = Buffer.from(`${options.platform.apiKey}:${options.platform.apiSecret}`).toString(
    'base64',
  );
  const tokens = new Map<string, Promise<CachedToken>>();
  const registrations = new Map<string, Promise<string>>();
  let learningInstance: Promise<string> | undefined;

  const unavailable = (what: string, cause?: unknown) =>
    new ApiError(
      'knewton_unavailable',
      `The Knewton Platform could not ${what}; try again shortly.`,
      {
        retryAfterSeconds,
        cause,
      },
    );

  async function send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    what: string,
  ): Promise<PlatformAnswer> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/v0${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw unavailable(what, cause);
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.status >= 500 || response.status === 429) throw unavailable(what);
    return { status: response.status, json };
  }

  /** A token acting as the account with this external id; cached, one request in flight per scope. */
  function token(scope: string, requestId: string): Promise<CachedToken> {
    const cached = tokens.get(scope);
    if (cached) {
      return cached.then((found) => (found.refreshAt > Date.now() ? found : renew()));
    }
    return renew();

    function renew(): Promise<CachedToken> {
      const pending = (async () => {
        const answer = await send(
          'POST',
          '/oauth/token',
          {
            Authorization: `Basic ${basic}`,
            'Content-Type': 'application/x-www-form-urlencoded',
            'request-label': requestId,
          },
          new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
          'issue a token',
        );
        const { access_token, expires_in } = (answer.json ?? {}) as Record<string, unknown>;
        if (answer.status !== 200 || typeof access_token !== 'string') {
          throw unavailable('issue a token');
        }
        const lifetimeMs = typeof expires_in === 'number' ? expires_in * 1000 : 0;
        return { accessToken: access_token, refreshAt: Date.now() + lifetimeMs - tokenMarginMs };
      })();
      tokens.set(scope, pending);
      pending.catch(() => {
        if (tokens.get(scope) === pending) tokens.delete(scope);
      });
      return pending;
    }
  }

  /** A call with a bearer token; a 401 (expired token) renews it and tries once more. */
  async function call(
    scope: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    requestId: string,
    what: string,
  ): Promise<PlatformAnswer> {
    for (let attempt = 0; ; attempt++) {
      const { accessToken } = await token(scope, requestId);
      const answer = await send(
        method,
        path,
        {
          Authorization: `Bearer ${accessToken}`,
          'request-label': requestId,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body === undefined ? undefined : JSON.stringify(body),
        what,
      );
      if (answer.status !== 401 || attempt > 0) return answer;
      tokens.delete(scope);
    }
  }

  function created(answer: PlatformAnswer, what: string): string {
    const id = (answer.json as { id?: unknown } | undefined)?.id;
    if ((answer.status !== 200 && answer.status !== 201) || typeof id !== 'string') {
      throw unavailable(what);
    }
    return id;
  }

  /** Created once per process, on first use; a failed attempt is forgotten so the next one retries. */
  function learningInstanceId(requestId: string): Promise<string> {
    if (!learningInstance) {
      const pending = call(
        options.platform.systemExternalUserId,
        'POST',
        '/learning-instances',
        { graph_id: options.graphId, name: options.learningInstanceName ?? 'knewton-kit demo' },
        requestId,
        'create the learning instance',
      ).then((answer) => created(answer, 'create the learning instance'));
      learningInstance = pending;
      pending.catch(() => {
        if (learningInstance === pending) learningInstance = undefined;
      });
    }
    return learningInstance;
  }

  function registrationId(accountId: string, requestId: string): Promise<string> {
    let pending = registrations.get(accountId);
    if (!pending) {
      const registering = (async () => {
        const instanceId = await learningInstanceId(requestId);
        const answer = await call(
          options.platform.systemExternalUserId,
          'POST',
          '/registrations',
          { account_id: accountId, learning_instance_id: instanceId, type: 'learner' },
          requestId,
          'register the learner',
        );
        return created(answer, 'register the learner');
      })();
      registrations.set(accountId, registering);
      registering.catch(() => {
        if (registrations.get(accountId) === registering) registrations.delete(accountId);
      });
      pending = registering;
    }
    return pending;
  }

  return {
    async recommend(
      accountId: string,
      externalId: string,
      requestId: string,
    ): Promise<RecommendationResponse> {
      const registration = await registrationId(accountId, requestId);
      const answer = await call(
        externalId,
        'GET',
        `/registrations/${encodeURIComponent(registration)}/recommendation`,
        undefined,
        requestId,
        'recommend',
      );
      const { recommendation_id, module_ids, status } = (answer.json ?? {}) as Record<
        string,
        unknown
      >;
      if (
        answer.status !== 200 ||
        (typeof recommendation_id !== 'number' && typeof recommendation_id !== 'string') ||
        !Array.isArray(module_ids) ||
        !module_ids.every((id) => typeof id === 'string') ||
        (status !== 'in progress' && status !== 'ready' && status !== 'unfocused')
      ) {
        throw unavailable('recommend');
      }
      return {
        recommendationId: String(recommendation_id),
        moduleIds: module_ids as string[],
        status: status as RecommendationStatus,
      };
    },
  };
}
