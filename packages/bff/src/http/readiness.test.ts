import { parseErrorBody } from '@knewton-kit/contract';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';

let h: BffHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

describe('GET /api/knewton/readyz', () => {
  it(
    '503 knewton_unavailable with Retry-After when no platform token can be obtained; 200 once it can',
    async () => {
      // No hang is provoked: a generous timeout so the final healthy check is never cut short under load.
      h = await createBffHarness({ platform: { timeoutMs: 5_000, maxRetries: 0 } });
      h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      const down = await h.request('/api/knewton/readyz');
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      expect(parseErrorBody(await down.json())?.error).toMatchObject({
        code: 'knewton_unavailable',
        retryable: true,
      });
      // Liveness is not readiness: the process still answers.
      expect((await h.request('/api/knewton/healthz')).status).toBe(200);

      h.sim.setFaults({});
      expect((await h.request('/api/knewton/readyz')).status).toBe(200);
    },
    harnessTimeoutMs,
  );

  it(
    '503 store_unavailable with Retry-After when the store does not answer',
    async () => {
      h = await createBffHarness();
      await h.testStore.store.close();
      const response = await h.request('/api/knewton/readyz');
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toMatch(/^\d+$/);
      expect(parseErrorBody(await response.json())?.error).toMatchObject({
        code: 'store_unavailable',
        retryable: true,
      });
      const account = await h.request('/api/knewton/account', { user: 'anyone' });
      expect(account.status).toBe(503);
      expect(parseErrorBody(await account.json())?.error.code).toBe('store_unavailable');
    },
    harnessTimeoutMs,
  );
});
