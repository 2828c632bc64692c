import { createPlatformSim, type PlatformSim } from '../../src/createPlatformSim.js';
import type { PlatformSimOptions } from '../../src/platformSimOptions.js';

export const BASE_URL = 'http://platform.test';

export interface SimAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  body: any;
}

export interface CallInit {
  token?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  account_id: string;
  expires_in: number;
  expires_at: string;
  token_type: string;
  scope: string;
}

/** A simulator plus terse helpers that go through its public `fetch`, exactly like a client would. */
export function simHarness(options?: PlatformSimOptions) {
  const sim: PlatformSim = createPlatformSim(options);
  const basic = `Basic ${Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64')}`;

  async function call(method: string, path: string, init: CallInit = {}): Promise<SimAnswer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body = init.body;
    if (init.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await sim.fetch(
      new Request(`${BASE_URL}${path}`, { method, headers, body, signal: init.signal }),
    );
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  function tokenRequest(form: Record<string, string>, authorization = basic): Promise<SimAnswer> {
    return call('POST', '/v0/oauth/token', {
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  async function tokenFor(scope: string): Promise<TokenAnswer> {
    const answer = await tokenRequest({ grant_type: 'client_credentials', scope });
    if (answer.status !== 200) throw new Error(`token for ${scope}: ${answer.status}`);
    return answer.body as TokenAnswer;
  }

  async function adminToken(): Promise<string> {
    return (await tokenFor(sim.systemExternalUserId)).access_token;
  }

  async function createAccount(externalUserId: string, token?: string): Promise<string> {
    const answer = await call('POST', '/v0/accounts', {
      token: token ?? (await adminToken()),
      json: { external_user_id: externalUserId },
    });
    if (answer.status !== 201) throw new Error(`create ${externalUserId}: ${answer.status}`);
    return answer.body.id as string;
  }

  return { sim, basic, call, tokenRequest, tokenFor, adminToken, createAccount };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
