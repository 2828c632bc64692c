import { parseAccountResponse } from '@knewton-kit/contract';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';
import { testDatabaseUrl, warnIfPostgresSkipped } from '../../test/support/testStores.js';

warnIfPostgresSkipped('bff http concurrent ensures');

describe.each([
  ['pglite', true],
  ['postgres', Boolean(testDatabaseUrl)],
] as const)('concurrent PUT /account on %s', (store, enabled) => {
  let h: BffHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it.skipIf(!enabled)(
    '200 at once for one user: one platform create, one account id, exactly one 201 and 199 × 200',
    async () => {
      h = await createBffHarness({ store, bff: { limits: { rateLimit: false } } });
      const harness = h;
      const responses = await Promise.all(
        Array.from({ length: 200 }, () =>
          harness.request('/api/knewton/account', { method: 'PUT', user: 'crowd-user' }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 200)).toHaveLength(199);
      const ids = new Set(
        await Promise.all(
          responses.map(async (r) => parseAccountResponse(await r.json())?.accountId),
        ),
      );
      expect(ids.size).toBe(1);
      expect(h.calls('POST /v0/accounts')).toBe(1);
      expect(h.sim.stats().accounts).toBe(1);
      expect(await h.rows()).toBe(1);
    },
    harnessTimeoutMs,
  );

  it.skipIf(!enabled)(
    '100 users at once: 100 accounts mostly through batches, 100 distinct ids, all 201',
    async () => {
      // Ten single creates in the window; the other users share batches.
      h = await createBffHarness({
        store,
        platform: { rateLimits: { accountCreatesPerMinute: 10 } },
      });
      const harness = h;
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          harness.request('/api/knewton/account', { method: 'PUT', user: `learner-${i}` }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
      const ids = new Set(
        await Promise.all(
          responses.map(async (r) => parseAccountResponse(await r.json())?.accountId),
        ),
      );
      expect(ids.size).toBe(100);
      expect(h.sim.stats().accounts).toBe(100);
      expect(h.calls('POST /v0/accounts')).toBeLessThanOrEqual(10);
      expect(h.calls('POST /v0/batch')).toBeGreaterThanOrEqual(2);
      expect(await h.rows()).toBe(100);
    },
    harnessTimeoutMs,
  );
});
