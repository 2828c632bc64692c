import {
  parseAccountQueuedResponse,
  parseAccountResponse,
  parseErrorBody,
} from '@knewton-kit/contract';
import { type AnswerKey, clientTimeout, connectionLost } from './documentedAnswers.js';

export interface EnsureAnswer {
  key: AnswerKey;
  status: number | undefined;
  accountId: string | undefined;
  latencyMs: number;
  /** The answer's `Retry-After` in seconds (202 queued, 429, 503), when it had one. */
  retryAfterSeconds?: number | undefined;
}

/** Signs `userId` in through the demo sign-in and returns the `Cookie` header value for later requests. */
export async function signIn(baseUrl: string, userId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf': '1' },
    body: JSON.stringify({ userId }),
    signal: AbortSignal.timeout(30_000),
  });
  const setCookie = response.headers.get('set-cookie');
  await response.body?.cancel();
  const cookie = setCookie?.split(';')[0];
  if (response.status !== 200 || !cookie) {
    throw new Error(`sign-in answered ${response.status} without a session cookie`);
  }
  return cookie;
}

/**
 * `PUT /api/knewton/account` as the browser kit sends it. Never throws: a refused or reset connection
 * (a killed BFF) and a timeout are answers of their own kind. `requestId` is sent as `X-Request-Id`, which
 * the BFF adopts and forwards to the platform as `request-label`.
 */
export async function ensureAccount(
  baseUrl: string,
  cookie: string,
  options: { timeoutMs?: number; requestId?: string; method?: 'PUT' | 'GET' } = {},
): Promise<EnsureAnswer> {
  const started = performance.now();
  const latency = () => performance.now() - started;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/knewton/account`, {
      method: options.method ?? 'PUT',
      headers: {
        cookie,
        'x-csrf': '1',
        ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
  } catch (error) {
    const name = (error as Error).name;
    const key = name === 'TimeoutError' || name === 'AbortError' ? clientTimeout : connectionLost;
    return { key, status: undefined, accountId: undefined, latencyMs: latency() };
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    // A connection cut mid-body is a lost connection; an unreadable body is an undocumented answer.
    return {
      key: error instanceof SyntaxError ? `${response.status} unreadable body` : connectionLost,
      status: response.status,
      accountId: undefined,
      latencyMs: latency(),
    };
  }
  if (response.status === 200 || response.status === 201) {
    const account = parseAccountResponse(body);
    return {
      key: account ? String(response.status) : `${response.status} malformed account`,
      status: response.status,
      accountId: account?.accountId,
      latencyMs: latency(),
    };
  }
  if (response.status === 202) {
    return {
      key: parseAccountQueuedResponse(body) ? '202 queued' : '202 malformed body',
      status: response.status,
      accountId: undefined,
      latencyMs: latency(),
      retryAfterSeconds,
    };
  }
  const error = parseErrorBody(body);
  return {
    key: `${response.status} ${error?.error.code ?? 'malformed error'}`,
    status: response.status,
    accountId: undefined,
    latencyMs: latency(),
    retryAfterSeconds,
  };
}
