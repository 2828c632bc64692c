import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessPseudonymKey,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';

const apiKey = 'partner-key-Zk81';
const apiSecret = 'partner-secret-Vq93-do-not-leak';
const email = 'alice@example.com';

let h: BffHarness;
const seen: string[] = [];

/** Everything a browser could see of an answer: status line, every header, the body. */
async function record(response: Response): Promise<Response> {
  seen.push(
    `${response.status} ${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await response.clone().text()}`,
  );
  return response;
}

beforeAll(async () => {
  h = await createBffHarness({
    sim: { apiKey, apiSecret, tokenTtlSeconds: 2 },
    // No hang is provoked here, so the timeout only needs to never cut a healthy call short under load.
    platform: { timeoutMs: 5_000, maxRetries: 0 },
  });
  const put = (user: string) => h.request('/api/knewton/account', { method: 'PUT', user });
  // Happy paths, errors of every kind, an outage, and a token refresh in between.
  await record(await put(email));
  await record(await put(email));
  await record(await h.request('/api/knewton/account', { user: email }));
  await record(await h.request('/api/knewton/account', { user: 'no-account-yet' }));
  await record(await h.request('/api/knewton/readyz'));
  await record(await h.request('/api/knewton/nope'));
  await record(await h.request('/api/knewton/account', { method: 'POST', user: email }));
  await record(
    await h.request('/api/knewton/account', { method: 'PUT', csrf: false, user: email }),
  );
  h.sim.setFaults({ expireTokens: true });
  await record(await put('after-expiry'));
  h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
  await record(await put('during-outage'));
  await record(await h.request('/api/knewton/readyz'));
  h.sim.setFaults({ errorRate: 1, errorStatus: 401 });
  await record(await put('refused-credentials'));
  h.sim.setFaults({});
}, harnessTimeoutMs);
afterAll(() => h.dispose());

describe('secrets never leave the server', () => {
  it('ran a flow that obtained tokens and hit errors', () => {
    expect(h.issuedTokens.size).toBeGreaterThanOrEqual(2);
    expect(seen.some((text) => text.startsWith('503'))).toBe(true);
    expect(seen.some((text) => text.startsWith('201'))).toBe(true);
  });

  it('no response status, header or body contains the api key or secret, a token or the HMAC key', () => {
    const secrets = [
      apiSecret,
      apiKey,
      Buffer.from(`${apiKey}:${apiSecret}`).toString('base64'),
      harnessPseudonymKey,
      ...h.issuedTokens,
    ];
    for (const text of seen) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('no response contains an external id (the pseudonym is the server’s business)', () => {
    const externalIds = h.sim.accounts().accounts.map((account) => account.externalUserId);
    expect(externalIds.length).toBeGreaterThan(0);
    for (const text of seen) for (const id of externalIds) expect(text).not.toContain(id);
  });

  it('no log line contains a secret, a token, the HMAC key, an external id or the user id', () => {
    const log = h.logLines.join('\n');
    expect(h.logLines.length).toBeGreaterThan(10);
    for (const secret of [apiSecret, apiKey, harnessPseudonymKey, ...h.issuedTokens]) {
      expect(log).not.toContain(secret);
    }
    for (const account of h.sim.accounts().accounts)
      expect(log).not.toContain(account.externalUserId);
    expect(log).not.toContain(email);
    expect(log).not.toContain('no-account-yet');
  });
});
