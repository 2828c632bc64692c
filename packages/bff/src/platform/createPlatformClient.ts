import { KnewtonUnavailableError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { backoffDelayMs, sleep } from './backoff.js';
import {
  createPlatformTransport,
  type PlatformFetch,
  PlatformTimeoutError,
  type PlatformTransport,
} from './createPlatformTransport.js';
import { ipTokenPacer } from './ipTokenPacer.js';
import { type PacerSlot, SlidingWindowPacer } from './slidingWindowPacer.js';

export interface PlatformClientOptions {
  /** Base URL of the Knewton Platform, e.g. `https://api.knewton.com` (the `/v0` is added). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** External id of the partner-admin ("system") account whose token makes the calls. */
  systemExternalUserId: string;
  /** Per-attempt timeout of one platform request. @default 5000 */
  timeoutMs?: number;
  /** Retries after a 5xx, a timeout or a network error. @default 2 */
  maxRetries?: number;
  /** Resends after a 429, each after the platform's `X-Knewton-Rate-Delay` or a growing pause. @default 5 */
  maxRateLimitRetries?: number;
  /** First backoff step; later steps double up to 20 times this. @default 100 */
  retryBaseDelayMs?: number;
  /** Fetch implementation (called with a `Request`), e.g. the simulator's in-process `fetch`. @default globalThis.fetch */
  fetch?: PlatformFetch;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * The per-token limits the client paces account creation to. Change them only if your agreement with
   * Knewton says otherwise; `timeScale` divides the minute (60 applies the per-minute limits per second),
   * to match the simulator's `rateLimitScale` in tests. @default { accountCreatesPerMinute: 750, batchCallsPerMinute: 90, timeScale: 1 }
   */
  rateLimits?: PlatformRateLimits;
}

export interface PlatformRateLimits {
  /** `POST /v0/accounts` per token per minute. @default 750 */
  accountCreatesPerMinute?: number;
  /** `POST /v0/batch` per token per minute; 0 never batches. @default 90 */
  batchCallsPerMinute?: number;
  /** @default 1 */
  timeScale?: number;
}

export type { PlatformFetch } from './createPlatformTransport.js';

export interface PlatformCallContext {
  /** Sent as `request-label` so the platform's logs can be matched with ours. */
  requestId?: string;
}

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

/**
 * The pacing windows of the two create endpoints, for a scheduler that chooses between them: take a slot
 * without waiting, or ask how many starts the next seconds allow.
 */
export interface CreationSlots {
  /** `false` once the platform refused `/batch` (404/405/410): creates go one at a time from then on. */
  readonly batchAvailable: boolean;
  /** A slot of the single-create window, or `undefined` when it is spent; pass it to `createAccount`. */
  tryTakeSingle(): PacerSlot | undefined;
  /** A slot of the batch window, or `undefined`; pass it to `createAccounts`. */
  tryTakeBatch(): PacerSlot | undefined;
  /** Accounts the two windows can start within `horizonMs` (single creates + 50 per batch). */
  accountsStartableWithin(horizonMs: number): number;
  /** Milliseconds until either window has a free slot. */
  nextFreeInMs(): number;
  /** The ceiling: accounts a minute the two windows allow together. */
  accountsPerMinute(): number;
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
  /** Resolves when a system token is cached or obtainable (readiness). */
  checkToken(context?: PlatformCallContext): Promise<void>;
}

interface CachedToken {
  accessToken: string;
  /** Epoch ms after which we stop using it (already short of the platform's expiry). */
  refreshAt: number;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  account_id?: unknown;
}

/** Documented per-token limit for `POST /accounts` (per minute). */
const accountCreatesPerMinute = 750;
/** Documented per-token limit for `POST /batch` (per minute) and its size. */
const batchCallsPerMinute = 90;
export const maxBatchSize = 50;
/**
 * The pacers hold a call's slot until its answer and a whole window after it (`SlidingWindowPacer`), so a
 * call delayed on its way cannot land in the platform's next window; this slack only covers the two
 * clocks' rounding. (When slots were counted from when a call left, 2 s a minute was not enough on a
 * loaded machine.)
 */
const pacingSlackMs = { accountCreates: 250, batches: 250 };

/** The platform has no `POST /v0/batch` (it answered 404, 405 or 410): create accounts one at a time. */
export class BatchUnavailableError extends KnewtonUnavailableError {
  /** Marks it apart from other unavailability: nothing was created, send the items one at a time. */
  readonly batchUnavailable = true as const;
}

export function validatePlatformOptions(
  options: PlatformClientOptions,
  prefix = '',
): Required<Omit<PlatformClientOptions, 'fetch' | 'logger' | 'rateLimits'>> & {
  fetch: PlatformFetch | undefined;
  rateLimits: Required<PlatformRateLimits>;
} {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`\`${prefix || 'options'}\` must be an object`);
  const name = (key: string) => `\`${prefix ? `${prefix}.` : ''}${key}\``;
  const {
    baseUrl,
    apiKey,
    apiSecret,
    systemExternalUserId,
    timeoutMs = 5000,
    maxRetries = 2,
    maxRateLimitRetries = 5,
    retryBaseDelayMs = 100,
    fetch: fetchImpl,
    rateLimits = {},
  } = options;
  if (typeof rateLimits !== 'object' || rateLimits === null)
    throw new TypeError(`${name('rateLimits')} must be an object`);
  const {
    accountCreatesPerMinute: creates = accountCreatesPerMinute,
    batchCallsPerMinute: batches = batchCallsPerMinute,
    timeScale = 1,
  } = rateLimits;
  if (!Number.isInteger(creates) || creates < 1)
    throw new TypeError(`${name('rateLimits.accountCreatesPerMinute')} must be a positive integer`);
  if (!Number.isInteger(batches) || batches < 0)
    throw new TypeError(`${name('rateLimits.batchCallsPerMinute')} must be a non-negative integer`);
  if (typeof timeScale !== 'number' || !(timeScale >= 1 && timeScale <= 1000))
    throw new TypeError(`${name('rateLimits.timeScale')} must be a number from 1 to 1000`);
  let parsed: URL | undefined;
  try {
    parsed = typeof baseUrl === 'string' ? new URL(baseUrl) : undefined;
  } catch {}
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`${name('baseUrl')} must be an http(s) URL`);
  }
  // Credentials in the URL would be printed wherever the URL is (start-up lines, errors), and fetch
  // refuses such URLs anyway; the message never quotes the value.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new TypeError(
      `${name('baseUrl')} must not contain credentials; pass them as \`apiKey\` and \`apiSecret\``,
    );
  }
  for (const [key, value] of [
    ['apiKey', apiKey],
    ['apiSecret', apiSecret],
    ['systemExternalUserId', systemExternalUserId],
  ] as const) {
    if (typeof value !== 'string' || value.trim() === '')
      throw new TypeError(`${name(key)} must be a non-empty string`);
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000) {
    throw new TypeError(`${name('timeoutMs')} must be an integer from 1 to 120000`);
  }
  for (const [key, value] of [
    ['maxRetries', maxRetries],
    ['maxRateLimitRetries', maxRateLimitRetries],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 10)
      throw new TypeError(`${name(key)} must be an integer from 0 to 10`);
  }
  if (!Number.isInteger(retryBaseDelayMs) || retryBaseDelayMs < 1) {
    throw new TypeError(`${name('retryBaseDelayMs')} must be a positive integer`);
  }
  if (fetchImpl !== undefined && typeof fetchImpl !== 'function')
    throw new TypeError(`${name('fetch')} must be a function`);
  return {
    baseUrl: parsed.href.replace(/\/+$/, ''),
    apiKey,
    apiSecret,
    systemExternalUserId,
    timeoutMs,
    maxRetries,
    maxRateLimitRetries,
    retryBaseDelayMs,
    fetch: fetchImpl,
    rateLimits: { accountCreatesPerMinute: creates, batchCallsPerMinute: batches, timeScale },
  };
}

/**
 * A client for the Knewton Platform v0. `createPlatformTransport` sends one attempt with its timeout; the
 * retry policy is ours, because it differs per failure: 5xx/timeouts back off (bounded), 429 waits and
 * resends (its own budget: nothing was processed), 401 refreshes the token once, other 4xx are final.
 */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const config = validatePlatformOptions(options);
  const logger = options.logger ?? silentLogger;
  const aborter = new AbortController();
  const { signal } = aborter;
  const http: PlatformTransport = createPlatformTransport({
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    fetch: config.fetch,
    signal,
  });
  const basicAuth = `Basic ${Buffer.from(`${config.apiKey}:${config.apiSecret}`, 'utf8').toString('base64')}`;
  const { rateLimits } = config;
  const createPacer = new SlidingWindowPacer(
    rateLimits.accountCreatesPerMinute,
    (60_000 + pacingSlackMs.accountCreates) / rateLimits.timeScale,
  );
  const batchPacer = new SlidingWindowPacer(
    rateLimits.batchCallsPerMinute,
    (60_000 + pacingSlackMs.batches) / rateLimits.timeScale,
  );
  let batchAvailable = rateLimits.batchCallsPerMinute > 0;
  // Shared with learning's token requests: the platform limits them per IP.
  const tokenPacer = ipTokenPacer(config.baseUrl);
  const capDelayMs = config.retryBaseDelayMs * 20;

  let cachedToken: CachedToken | undefined;
  let tokenInFlight: Promise<CachedToken> | undefined;

  type Attempt = (token: string | undefined) => Promise<Response>;

  /**
   * Sends until there is an answer worth interpreting (2xx or a final 4xx), or throws KnewtonUnavailableError.
   * `auth` adds the system token and enables the one refresh-and-retry on 401.
   */
  async function send(
    what: string,
    pacer: SlidingWindowPacer,
    auth: boolean,
    attempt: Attempt,
    reservedSlot?: PacerSlot,
  ): Promise<Response> {
    let failures = 0;
    let rateLimited = 0;
    let refreshed = false;
    // The caller's slot covers the first attempt only; every resend takes its own.
    let reserved = reservedSlot;
    try {
      for (;;) {
        throwIfAborted(what);
        const token = auth ? (await systemToken()).accessToken : undefined;
        const slot = reserved ?? (await pacer.take(signal).catch(() => throwIfAborted(what)));
        reserved = undefined;
        let response: Response;
        try {
          response = await attempt(token);
        } catch (error) {
          // Timed out or cut: it may still have arrived, so it counts like an answered call.
          slot?.answered();
          throwIfAborted(what, error);
          const reason =
            error instanceof PlatformTimeoutError
              ? `timed out after ${config.timeoutMs} ms`
              : 'failed to connect';
          if (failures >= config.maxRetries) {
            throw new KnewtonUnavailableError(`Knewton ${what} ${reason}`, {
              cause: error,
              retryAfterSeconds: 2,
            });
          }
          failures++;
          logger.warn(
            { call: what, reason, attempt: failures },
            'knewton request failed, retrying',
          );
          await sleep(backoffDelayMs(failures, config.retryBaseDelayMs, capDelayMs), signal);
          continue;
        }
        // It arrived before this answer: from now its slot counts one more window.
        slot?.answered();
        const { status } = response;
        if (status === 401 && auth && !refreshed && token !== undefined) {
          refreshed = true;
          await response.body?.cancel();
          // Drop only the token that failed: another caller may already have fetched a fresh one.
          if (cachedToken?.accessToken === token) cachedToken = undefined;
          logger.info({ call: what }, 'knewton token rejected, refreshing');
          continue;
        }
        if (status === 429) {
          await response.body?.cancel();
          const delayHeader = Number(response.headers.get('x-knewton-rate-delay'));
          const waitMs =
            Number.isFinite(delayHeader) && delayHeader > 0
              ? Math.min(delayHeader, 60_000)
              : backoffDelayMs(rateLimited + 1, config.retryBaseDelayMs * 2, capDelayMs);
          if (rateLimited >= config.maxRateLimitRetries) {
            throw new KnewtonUnavailableError(
              `Knewton ${what} stayed rate limited after ${rateLimited} resends`,
              {
                status,
                retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
              },
            );
          }
          rateLimited++;
          logger.warn(
            { call: what, waitMs, attempt: rateLimited },
            'knewton rate limited, waiting',
          );
          await sleep(waitMs, signal);
          continue;
        }
        if (status >= 500) {
          await response.body?.cancel();
          if (failures >= config.maxRetries) {
            throw new KnewtonUnavailableError(`Knewton ${what} answered ${status}`, {
              status,
              retryAfterSeconds: 2,
            });
          }
          failures++;
          logger.warn({ call: what, status, attempt: failures }, 'knewton server error, retrying');
          await sleep(backoffDelayMs(failures, config.retryBaseDelayMs, capDelayMs), signal);
          continue;
        }
        return response;
      }
    } finally {
      // Never sent (cut short before its first attempt): the caller's slot is free again.
      reserved?.release();
    }
  }

  /** After `abort()`: every call ends with the same clear error, the HTTP layer answers 503. */
  function throwIfAborted(what: string, cause?: unknown): void {
    if (!signal.aborted) return;
    throw new KnewtonUnavailableError(`Knewton ${what} cut short: the BFF is shutting down`, {
      cause,
      retryAfterSeconds: 5,
    });
  }

  function labelHeaders(context: PlatformCallContext | undefined): Record<string, string> {
    const label = context?.requestId?.replace(/[^\x20-\x7e]/g, '').slice(0, 256);
    return label ? { 'request-label': label } : {};
  }

  async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
    try {
      const body: unknown = await response.json();
      if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
    } catch (error) {
      throw new KnewtonUnavailableError(`Knewton ${what} answered unreadable JSON`, {
        cause: error,
      });
    }
    throw new KnewtonUnavailableError(`Knewton ${what} answered a non-object`);
  }

  /** A token request; `scope` is the external id the token acts as. */
  function requestToken(
    scope: string,
    context: PlatformCallContext | undefined,
    what: string,
  ): Promise<Response> {
    return send(what, tokenPacer, false, () =>
      http.post('oauth/token', {
        headers: { authorization: basicAuth, ...labelHeaders(context) },
        form: new URLSearchParams({ grant_type: 'client_credentials', scope }),
      }),
    );
  }

  async function fetchSystemToken(): Promise<CachedToken> {
    const what = 'POST /v0/oauth/token';
    const response = await requestToken(config.systemExternalUserId, undefined, what);
    if (!response.ok) {
      await response.body?.cancel();
      // Wrong credentials or system id: a configuration error, reported as the platform refusing us.
      throw new KnewtonUnavailableError(
        `Knewton ${what} refused the system credentials (${response.status})`,
        {
          status: response.status,
          retryAfterSeconds: 30,
        },
      );
    }
    const body = (await readJson(response, what)) as TokenAnswer;
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new KnewtonUnavailableError(`Knewton ${what} answered without an access token`);
    }
    const lifetimeMs =
      (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3599) * 1000;
    // Refresh before expiry: a minute early, or a tenth of the lifetime for short-lived tokens.
    return {
      accessToken: body.access_token,
      refreshAt: Date.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10),
    };
  }

  /** The cached system token, fetched single-flight when missing or near expiry. */
  async function systemToken(): Promise<CachedToken> {
    if (cachedToken && Date.now() < cachedToken.refreshAt) return cachedToken;
    tokenInFlight ??= fetchSystemToken().then(
      (token) => {
        cachedToken = token;
        tokenInFlight = undefined;
        return token;
      },
      (error: unknown) => {
        tokenInFlight = undefined;
        throw error;
      },
    );
    return tokenInFlight;
  }

  const slots: CreationSlots = {
    get batchAvailable() {
      return batchAvailable;
    },
    accountsPerMinute: () =>
      (rateLimits.accountCreatesPerMinute +
        (batchAvailable ? rateLimits.batchCallsPerMinute * maxBatchSize : 0)) *
      rateLimits.timeScale,
    tryTakeSingle: () => createPacer.tryTake(),
    tryTakeBatch: () => (batchAvailable ? batchPacer.tryTake() : undefined),
    accountsStartableWithin: (horizonMs) =>
      createPacer.freeWithin(horizonMs) +
      (batchAvailable ? batchPacer.freeWithin(horizonMs) * maxBatchSize : 0),
    nextFreeInMs: () =>
      Math.min(
        createPacer.nextFreeInMs(),
        batchAvailable ? batchPacer.nextFreeInMs() : Number.POSITIVE_INFINITY,
      ),
  };

  return {
    async createAccount(externalId, context, callOptions) {
      const what = 'POST /v0/accounts';
      const response = await send(
        what,
        createPacer,
        true,
        (token) =>
          http.post('accounts', {
            headers: { authorization: `Bearer ${token}`, ...labelHeaders(context) },
            json: { external_user_id: externalId },
          }),
        callOptions?.slot,
      );
      if (response.status === 422) {
        const body = await readJson(response, what).catch(() => ({}) as Record<string, unknown>);
        const message = String(body.error_message ?? body.message ?? '');
        if (/duplicate/i.test(message)) return { kind: 'duplicate' };
        throw new KnewtonUnavailableError(`Knewton ${what} refused the external id (422)`, {
          status: 422,
          retryAfterSeconds: 30,
        });
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new KnewtonUnavailableError(
          `Knewton ${what} refused the request (${response.status})`,
          {
            status: response.status,
            retryAfterSeconds: 30,
          },
        );
      }
      const body = await readJson(response, what);
      const accountId = body.id ?? body.account_id;
      if (typeof accountId !== 'string' || accountId === '') {
        throw new KnewtonUnavailableError(`Knewton ${what} answered without an account id`);
      }
      return { kind: 'created', accountId };
    },

    async createAccounts(externalIds, context, callOptions) {
      const what = 'POST /v0/batch';
      if (externalIds.length === 0 || externalIds.length > maxBatchSize || !batchAvailable) {
        // Nothing will be sent: a slot the caller took for it is free again.
        callOptions?.slot?.release();
      }
      if (externalIds.length === 0 || externalIds.length > maxBatchSize) {
        throw new RangeError(`A batch holds 1 to ${maxBatchSize} accounts`);
      }
      if (!batchAvailable) {
        throw new BatchUnavailableError(`Knewton ${what} is not available`, {
          retryAfterSeconds: 1,
        });
      }
      const response = await send(
        what,
        batchPacer,
        true,
        (token) =>
          http.post('batch', {
            headers: { authorization: `Bearer ${token}`, ...labelHeaders(context) },
            json: {
              requests: externalIds.map((externalId) => ({
                method: 'post',
                relative_url: '/accounts',
                body: { external_user_id: externalId },
              })),
            },
          }),
        callOptions?.slot,
      );
      if (response.status === 404 || response.status === 405 || response.status === 410) {
        await response.body?.cancel();
        // Said once: every later create goes through POST /v0/accounts without asking again.
        if (batchAvailable) {
          batchAvailable = false;
          logger.warn(
            {
              status: response.status,
            },
            'knewton POST /v0/batch is not available; creating accounts one at a time',
          );
        }
        throw new BatchUnavailableError(`Knewton ${what} is not available (${response.status})`, {
          status: response.status,
          retryAfterSeconds: 1,
        });
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new KnewtonUnavailableError(
          `Knewton ${what} refused the request (${response.status})`,
          {
            status: response.status,
            retryAfterSeconds: 30,
          },
        );
      }
      const body = await readJson(response, what);
      const items = body.responses;
      if (!Array.isArray(items) || items.length !== externalIds.length) {
        // Some accounts may exist now; their users' next ensure repairs them (422 + scoped token).
        throw new KnewtonUnavailableError(
          `Knewton ${what} answered ${Array.isArray(items) ? items.length : 'no'} items for ${externalIds.length} requests`,
        );
      }
      return items.map((item): BatchItemOutcome => readBatchItem(item));
    },

    get creationSlots(): CreationSlots {
      return slots;
    },

    abort() {
      aborter.abort();
    },

    async findAccountIdByExternalId(externalId, context) {
      const what = 'POST /v0/oauth/token (scoped)';
      const response = await requestToken(externalId, context, what);
      if (response.status >= 400 && response.status < 500) {
        // The platform refuses a scope naming no account; that is the "not found" of this lookup.
        await response.body?.cancel();
        return undefined;
      }
      const body = (await readJson(response, what)) as TokenAnswer;
      return typeof body.account_id === 'string' && body.account_id !== ''
        ? body.account_id
        : undefined;
    },

    async checkToken() {
      await systemToken();
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
