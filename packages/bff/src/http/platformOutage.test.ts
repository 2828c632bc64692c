import { parseAccountResponse, parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';

let h: BffHarness;
beforeAll(async () => {
  // Short timeouts and no retries keep the outage answers quick; the behaviour is the same with more.
  h = await createBffHarness({ platform: { timeoutMs: 300, maxRetries: 1 } });
}, harnessTimeoutMs);
afterAll(() => h.dispose());

describe('platform down', () => {
  it('503 knewton_unavailable with Retry-After, nothing written; success once it is back', async () => {
    h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const down = await h.request('/api/knewton/account', { method: 'PUT', user: 'outage-user' });
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(parseErrorBody(await down.json())?.error).toMatchObject({
      code: 'knewton_unavailable',
      retryable: true,
    });
    expect(await h.rows()).toBe(0);
    expect(h.sim.stats().accounts).toBe(0);

    h.sim.setFaults({});
    const back = await h.request('/api/knewton/account', { method: 'PUT', user: 'outage-user' });
    expect(back.status).toBe(201);
    expect(parseAccountResponse(await back.json())).toBeDefined();
    expect(await h.rows()).toBe(1);
    expect(h.sim.stats().accounts).toBe(1);
  });

  it('a platform that hangs past the timeout is also 503 knewton_unavailable', async () => {
    h.sim.setFaults({ hang: true });
    try {
      const response = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'hang-user',
      });
      expect(response.status).toBe(503);
      expect(parseErrorBody(await response.json())?.error.code).toBe('knewton_unavailable');
    } finally {
      h.sim.setFaults({});
    }
    expect(await h.bff.provisioner.getAccount('hang-user')).toBeUndefined();
  });

  it('GET of an existing account keeps working while the platform is down', async () => {
    h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const response = await h.request('/api/knewton/account', { user: 'outage-user' });
      expect(response.status).toBe(200);
    } finally {
      h.sim.setFaults({});
    }
  });

  it('a create whose answer was lost is repaired, never created twice', async () => {
    const accountsBefore = h.sim.stats().accounts;
    const put = () =>
      h.request('/api/knewton/account', { method: 'PUT', user: 'lost-answer-user' });
    h.sim.setFaults({ dropAfterCreate: true });
    const first = await put();
    h.sim.setFaults({});
    const second = await put();
    // Repaired within the first request (its retry meets the 422 duplicate) or by the next one.
    const statuses = [first.status, second.status];
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(second.status).toBeLessThan(300);
    const account = parseAccountResponse(await second.json());
    expect(h.sim.stats().accounts).toBe(accountsBefore + 1);
    const platformIds = h.sim.accounts().accounts.map((a) => a.id);
    expect(platformIds).toContain(account?.accountId);
  });
});
