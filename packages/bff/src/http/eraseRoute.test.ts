import { parseAccountResponse, parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';

let h: BffHarness;
beforeAll(async () => {
  h = await createBffHarness();
}, harnessTimeoutMs);
afterAll(() => h.dispose());

async function codeOf(response: Response) {
  return parseErrorBody(await response.json())?.error.code;
}

describe('DELETE /api/knewton/account (erasure)', () => {
  it('answers 401 without a session and 403 without X-CSRF, deleting nothing', async () => {
    await h.request('/api/knewton/account', { method: 'PUT', user: 'guarded' });
    const anonymous = await h.request('/api/knewton/account', { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect(await codeOf(anonymous)).toBe('unauthenticated');
    const forged = await h.request('/api/knewton/account', {
      method: 'DELETE',
      user: 'guarded',
      csrf: false,
    });
    expect(forged.status).toBe(403);
    expect(await codeOf(forged)).toBe('csrf_rejected');
    expect(h.calls('DELETE /v0/accounts/{id}')).toBe(0);
    expect(
      (await h.request('/api/knewton/account', { user: 'guarded' })).status,
      'still provisioned',
    ).toBe(200);
  });

  it('erases the signed-in learner (204, no body); GET is 404, PUT then creates a fresh account', async () => {
    const created = await h.request('/api/knewton/account', { method: 'PUT', user: 'leaver' });
    const before = parseAccountResponse(await created.json());
    const erased = await h.request('/api/knewton/account', { method: 'DELETE', user: 'leaver' });
    expect(erased.status).toBe(204);
    expect(await erased.text()).toBe('');
    expect(h.calls('DELETE /v0/accounts/{id}')).toBe(1);
    const read = await h.request('/api/knewton/account', { user: 'leaver' });
    expect(read.status).toBe(404);
    expect(await codeOf(read)).toBe('account_not_found');
    // A lost 204 is harmless: the same DELETE again answers 204 and calls nothing more.
    const again = await h.request('/api/knewton/account', { method: 'DELETE', user: 'leaver' });
    expect(again.status).toBe(204);
    expect(h.calls('DELETE /v0/accounts/{id}')).toBe(1);
    const fresh = await h.request('/api/knewton/account', { method: 'PUT', user: 'leaver' });
    expect(fresh.status).toBe(201);
    expect(parseAccountResponse(await fresh.json())?.accountId).not.toBe(before?.accountId);
  });

  it('refuses a body naming another user with 400, erasing nothing', async () => {
    await h.request('/api/knewton/account', { method: 'PUT', user: 'target' });
    const response = await h.request('/api/knewton/account', {
      method: 'DELETE',
      user: 'attacker',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'target' }),
    });
    expect(response.status).toBe(400);
    expect((await h.request('/api/knewton/account', { user: 'target' })).status).toBe(200);
  });

  it('answers 503 with Retry-After while the platform cannot delete, and nothing is half erased', async () => {
    await h.request('/api/knewton/account', { method: 'PUT', user: 'during-outage' });
    h.sim.setFaults({ errorRate: 1 });
    try {
      const response = await h.request('/api/knewton/account', {
        method: 'DELETE',
        user: 'during-outage',
      });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      // Ensures wait for the erasure to finish: 503, never the old account.
      const ensure = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'during-outage',
      });
      expect(ensure.status).toBe(503);
      expect(ensure.headers.get('retry-after')).not.toBeNull();
    } finally {
      h.sim.setFaults({});
    }
    expect(
      (await h.request('/api/knewton/account', { method: 'DELETE', user: 'during-outage' })).status,
    ).toBe(204);
    expect(
      (await h.request('/api/knewton/account', { method: 'PUT', user: 'during-outage' })).status,
    ).toBe(201);
  });
});
