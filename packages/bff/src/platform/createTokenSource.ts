import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { KnewtonUnavailableError } from '../errors.js';
import type { CallPolicy } from './createCallPolicy.js';
import type { PlatformTransport } from './createPlatformTransport.js';
import { type PlatformCallContext, requestLabelHeaders } from './PlatformCallContext.js';
import { readJsonObject, refusal } from './readPlatformAnswer.js';
import type { SlidingWindowPacer } from './slidingWindowPacer.js';
import { TokenRequestGate, type TokenRequestGateOptions } from './TokenRequestGate.js';

export interface TokenSourceOptions {
  apiKey: string;
  apiSecret: string;
  /** The scope of the partner-admin ("system") token. */
  systemExternalUserId: string;
  transport: PlatformTransport;
  /** How a token request is sent (its retries); the 401 renewal does not apply to it. */
  policy: CallPolicy;
  /** The per-IP pacer every token request of the process takes a slot of (`ipTokenPacer`). */
  tokenPacer: SlidingWindowPacer;
  clock: Clock;
  /** Aborting it cuts a wait for the token endpoint short (shutdown). */
  signal?: AbortSignal | undefined;
  /** Scoped (learner) tokens kept; beyond that the least recently used scope asks again. @default 10000 */
  maxScopedTokens?: number;
  /** The pauses after failed token requests (see `TokenRequestGate`). */
  gate?: Omit<TokenRequestGateOptions, 'clock' | 'signal'>;
}

/** Access tokens for the platform: the system account's and scoped ones (`scope` = an external id). */
export interface TokenSource {
  readonly systemScope: string;
  /**
   * The scope's access token: cached until shortly before it expires, fetched once for all its callers
   * (single flight). While token requests are failing, a caller either waits out a short pause or gets
   * `KnewtonUnavailableError` at once with the pause's remaining time as `retryAfterSeconds`
   * (`TokenRequestGate`).
   */
  token(scope: string, context?: PlatformCallContext): Promise<string>;
  /** Forgets `accessToken` (the platform answered 401 to it) unless the scope already has another. */
  drop(scope: string, accessToken: string): void;
  /**
   * The account id of an existing external id, from a fresh token request scoped to it (the token
   * answer carries `account_id`); `undefined` when the platform refuses the scope (no such account).
   */
  accountIdOf(externalId: string, context?: PlatformCallContext): Promise<string | undefined>;
}

interface CachedToken {
  accessToken: string;
  /** When it stops being used: short of the platform's expiry. */
  refreshAt: number;
}

interface ScopeEntry {
  token?: CachedToken | undefined;
  pending?: Promise<CachedToken> | undefined;
}

const tokenCall = 'POST /v0/oauth/token';

/** Tokens live `expires_in` seconds; the documented sample says 3599 when the answer omits it. */
const defaultLifetimeSeconds = 3599;

/**
 * The token source of one client: `POST /v0/oauth/token` with the partner's Basic credentials and
 * `scope=<external id>`, paced per IP, sent under the client's call policy, cached per scope.
 *
 * The gate ({@link TokenRequestGate}) is one per source, not per scope: every failure that closes it
 * (5xx, 429, timeout, no connection) is the token endpoint's, whatever the scope.
 * A refusal (4xx) is an answer, not a failure: for the system scope it means wrong credentials (a
 * configuration error, reported at once, every time), for another scope that the account does not exist.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { transport, policy, tokenPacer, clock, signal, systemExternalUserId } = options;
  const basicAuth = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`, 'utf8').toString('base64')}`;
  const gate = new TokenRequestGate({ ...options.gate, clock, signal });
  // The system token never competes with learners for a place in the LRU.
  const system: ScopeEntry = {};
  const scoped = new LRUCache<string, ScopeEntry>({ max: options.maxScopedTokens ?? 10_000 });

  function entryOf(scope: string): ScopeEntry {
    if (scope === systemExternalUserId) return system;
    let entry = scoped.get(scope);
    if (entry === undefined) {
      entry = {};
      scoped.set(scope, entry);
    }
    return entry;
  }

  /** One token request through the gate, the per-IP pacer and the policy: any answer but a failure. */
  function request(
    scope: string,
    context: PlatformCallContext | undefined,
    what: string,
  ): Promise<Response> {
    return gate.send(what, () =>
      policy.send({
        what,
        pacer: tokenPacer,
        attempt: () =>
          transport.post('oauth/token', {
            headers: { authorization: basicAuth, ...requestLabelHeaders(context) },
            form: new URLSearchParams({ grant_type: 'client_credentials', scope }),
          }),
      }),
    );
  }

  async function fetchToken(
    scope: string,
    context: PlatformCallContext | undefined,
  ): Promise<CachedToken> {
    const what = tokenCall;
    // The system token serves every caller: no one caller's label on its request.
    const response = await request(
      scope,
      scope === systemExternalUserId ? undefined : context,
      what,
    );
    if (!response.ok) {
      if (scope !== systemExternalUserId) throw await refusal(response, what);
      await response.body?.cancel();
      // Wrong credentials or system id: a configuration error, reported as the platform refusing us.
      throw new KnewtonUnavailableError(
        `Knewton ${what} refused the system credentials (${response.status})`,
        { status: response.status, retryAfterSeconds: 30 },
      );
    }
    const body = await readJsonObject(response, what);
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new KnewtonUnavailableError(`Knewton ${what} answered without an access token`);
    }
    const expiresIn = body.expires_in;
    const lifetimeMs =
      (typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : defaultLifetimeSeconds) * 1000;
    // Refresh before expiry: a minute early, or a tenth of the lifetime for short-lived tokens.
    return {
      accessToken,
      refreshAt: clock.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10),
    };
  }

  return {
    systemScope: systemExternalUserId,

    async token(scope, context) {
      const entry = entryOf(scope);
      const cached = entry.token;
      if (cached && clock.now() < cached.refreshAt) return cached.accessToken;
      if (entry.pending === undefined) {
        const pending = fetchToken(scope, context);
        entry.pending = pending;
        pending.then(
          (token) => {
            if (entry.pending !== pending) return;
            entry.pending = undefined;
            entry.token = token;
          },
          () => {
            if (entry.pending === pending) entry.pending = undefined;
          },
        );
      }
      return (await entry.pending).accessToken;
    },

    drop(scope, accessToken) {
      const entry = scope === systemExternalUserId ? system : scoped.peek(scope);
      if (entry?.token?.accessToken === accessToken) entry.token = undefined;
    },

    async accountIdOf(externalId, context) {
      const response = await request(externalId, context, `${tokenCall} (scoped)`);
      if (response.status >= 400 && response.status < 500) {
        // The platform refuses a scope naming no account; that is the "not found" of this lookup.
        await response.body?.cancel();
        return undefined;
      }
      const accountId = (await readJsonObject(response, `${tokenCall} (scoped)`)).account_id;
      return typeof accountId === 'string' && accountId !== '' ? accountId : undefined;
    },
  };
}
