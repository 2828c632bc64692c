import {
  parseAccountQueuedResponse,
  parseAccountResponse,
  parseErrorBody,
} from '@knewton-kit/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { type BffHarness, createBffHarness } from '../../test/support/createBffHarness.js';

/**
 * The platform's windows shrunk so the test sees them turn: one single create per window of about
 * 5.2 s (62 s / 12), no batches, and room for one waiting user.
 */
const tightLimits = {
  platform: { rateLimits: { accountCreatesPerMinute: 1, batchCallsPerMinute: 0, timeScale: 12 } },
  bff: { limits: { rateLimit: false as const, maxQueuedCreations: 1 } },
};

async function pollUntilOk(h: BffHarness, user: string, timeoutMs: number): Promise<Response> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const response = await h.request('/api/knewton/account', { user });
    if (response.status === 200 || Date.now() > until) return response;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('PUT /account under the platform rate limits', () => {
  let h: BffHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('answers 202 queued with Retry-After, creates in the background, and the next GET/PUT returns the account', async () => {
    h = await createBffHarness(tightLimits);
    const first = await h.request('/api/knewton/account', { method: 'PUT', user: 'early' });
    expect(first.status).toBe(201);

    // The window's only create is spent: this user's create cannot start within ~5 s.
    const queued = await h.request('/api/knewton/account', { method: 'PUT', user: 'herd-1' });
    expect(queued.status).toBe(202);
    expect(parseAccountQueuedResponse(await queued.json())).toEqual({ status: 'queued' });
    const retryAfter = Number(queued.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Still queued: GET never creates and says there is no account yet; a repeated PUT queues nothing new.
    expect((await h.request('/api/knewton/account', { user: 'herd-1' })).status).toBe(404);
    expect(
      (await h.request('/api/knewton/account', { method: 'PUT', user: 'herd-1' })).status,
    ).toBe(202);

    // The line is full (one waiting): a clear 503 with Retry-After, and nothing stored for this user.
    const full = await h.request('/api/knewton/account', { method: 'PUT', user: 'herd-2' });
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const error = parseErrorBody(await full.json());
    expect(error?.error.code).toBe('knewton_unavailable');
    expect(error?.error.retryable).toBe(true);

    // The background create lands when the window turns; GET and PUT then return the account.
    const ready = await pollUntilOk(h, 'herd-1', 15_000);
    expect(ready.status).toBe(200);
    const account = parseAccountResponse(await ready.json());
    expect(account?.accountId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await h.request('/api/knewton/account', { method: 'PUT', user: 'herd-1' });
    expect(again.status).toBe(200);
    expect(parseAccountResponse(await again.json())).toEqual(account);

    // Nothing was lost for the refused user: its next PUT queues again and is created in turn.
    expect(
      (await h.request('/api/knewton/account', { method: 'PUT', user: 'herd-2' })).status,
    ).toBe(202);
    expect((await pollUntilOk(h, 'herd-2', 15_000)).status).toBe(200);
    expect(h.sim.stats().accounts).toBe(3);
    expect(h.calls('POST /v0/accounts')).toBe(3);
    expect(await h.rows()).toBe(3);
  }, 60_000);

  it('a create still at a slow platform when the ~5 s hold is over answers 202, finishes in the background, and the next GET returns it', async () => {
    // The create is sent at once (no rate limit in the way) but the platform takes 7 s to answer it.
    h = await createBffHarness({ platform: { timeoutMs: 20_000 } });
    // Readiness fetches the platform token, so only the create itself is slow.
    expect((await h.request('/api/knewton/readyz')).status).toBe(200);
    h.sim.setFaults({ latencyMs: 7_000 });
    const queued = await h.request('/api/knewton/account', { method: 'PUT', user: 'slow-1' });
    expect(queued.status).toBe(202);
    expect(parseAccountQueuedResponse(await queued.json())).toEqual({ status: 'queued' });
    expect(Number(queued.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Answered while the create was still at the platform: nothing stored yet, one create sent.
    expect(await h.rows()).toBe(0);
    expect(h.calls('POST /v0/accounts')).toBe(1);

    const ready = await pollUntilOk(h, 'slow-1', 15_000);
    expect(ready.status).toBe(200);
    const account = parseAccountResponse(await ready.json());
    expect(account?.accountId).toMatch(/^[0-9a-f-]{36}$/);
    h.sim.setFaults({});
    const again = await h.request('/api/knewton/account', { method: 'PUT', user: 'slow-1' });
    expect(again.status).toBe(200);
    expect(parseAccountResponse(await again.json())).toEqual(account);
    // The background create was the only one: the repeated requests joined it or found its row.
    expect(h.calls('POST /v0/accounts')).toBe(1);
    expect(h.sim.stats().accounts).toBe(1);
  }, 60_000);

  it('while the platform is failing creates, one still hanging at the end of the hold is answered 503, not 202', async () => {
    // One attempt per create, cut after 6 s: the hold (about 5 s) ends first.
    h = await createBffHarness({ platform: { timeoutMs: 6_000, maxRetries: 0 } });
    h.sim.setFaults({ hang: true });
    // Nothing has failed yet: the first hanging create looks slow, not down.
    const first = await h.request('/api/knewton/account', { method: 'PUT', user: 'hang-1' });
    expect(first.status).toBe(202);
    // Once that create has timed out, a hanging create is an outage: 503 with Retry-After.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const second = await h.request('/api/knewton/account', { method: 'PUT', user: 'hang-2' });
    expect(second.status).toBe(503);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(parseErrorBody(await second.json())?.error.code).toBe('knewton_unavailable');
    expect(await h.rows()).toBe(0);

    // Back up: the next ensure creates at once.
    h.sim.setFaults({});
    const back = await h.request('/api/knewton/account', { method: 'PUT', user: 'hang-3' });
    expect(back.status).toBe(201);
  }, 60_000);

  it('answers users still queued with 503 and Retry-After at once when the BFF closes', async () => {
    h = await createBffHarness({ ...tightLimits, bff: { limits: { rateLimit: false } } });
    expect((await h.request('/api/knewton/account', { method: 'PUT', user: 'early' })).status).toBe(
      201,
    );
    expect((await h.request('/api/knewton/account', { method: 'PUT', user: 'late' })).status).toBe(
      202,
    );
    const closing = h.bff.close();
    const during = await h.request('/api/knewton/account', { method: 'PUT', user: 'later' });
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await closing;
    // The queued user's create never started: no account on the platform, nothing half done.
    expect(h.sim.stats().accounts).toBe(1);
    expect(h.calls('POST /v0/accounts')).toBe(1);
  }, 60_000);
});
