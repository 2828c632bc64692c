import { describe, expect, it } from 'vitest';
import { createPlatformSim } from './createPlatformSim.js';
import type { PlatformSimOptions } from './platformSimOptions.js';

describe('createPlatformSim options', () => {
  it('has fixed, documented defaults', () => {
    const sim = createPlatformSim();
    expect({
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      systemExternalUserId: sim.systemExternalUserId,
    }).toEqual({
      apiKey: 'sim-api-key',
      apiSecret: 'sim-api-secret',
      systemExternalUserId: 'sim-partner-SystemUser',
    });
    // The seeded system account keeps its id across instances, so restarts do not change it.
    expect(createPlatformSim().systemAccountId).toBe(sim.systemAccountId);
  });

  it('refuses invalid options, naming the option', () => {
    const cases: [unknown, RegExp][] = [
      [{ apiKey: '' }, /`apiKey`/],
      [{ apiKey: 'a:b' }, /`apiKey`/],
      [{ apiSecret: null }, /`apiSecret`/],
      [{ systemExternalUserId: 'x'.repeat(257) }, /`systemExternalUserId`/],
      [{ tokenTtlSeconds: 0 }, /`tokenTtlSeconds`/],
      [{ tokenTtlSeconds: 1.5 }, /`tokenTtlSeconds`/],
      [{ rejectPiiExternalIds: 'yes' }, /`rejectPiiExternalIds`/],
      [{ rateLimits: null }, /`rateLimits`/],
      [{ stateFile: '' }, /`stateFile`/],
      [{ stateFile: null }, /`stateFile`/],
      [{ rateLimitScale: 0 }, /`rateLimitScale`/],
      [{ rateLimitScale: Number.POSITIVE_INFINITY }, /`rateLimitScale`/],
      [{ now: 5 }, /`now`/],
      [{ maxRegistrationsPerInstance: 0 }, /`maxRegistrationsPerInstance`/],
      [{ maxRegistrationsPerInstance: 501 }, /`maxRegistrationsPerInstance`/],
      [{ apikey: 'typo' }, /`apikey`/],
    ];
    for (const [options, message] of cases) {
      expect(
        () => createPlatformSim(options as PlatformSimOptions),
        JSON.stringify(options),
      ).toThrow(message);
    }
    expect(() => createPlatformSim(null as unknown as PlatformSimOptions)).toThrow(TypeError);
  });

  it('fetch is bound and takes a Request or the global fetch arguments', async () => {
    const { fetch } = createPlatformSim();
    expect((await fetch(new Request('http://x/__sim/stats'))).status).toBe(200);
    expect((await fetch('http://x/__sim/stats')).status).toBe(200);
    const reset = await fetch(new URL('http://x/__sim/reset'), { method: 'POST' });
    expect(reset.status).toBe(204);
    const asGlobalFetch: typeof globalThis.fetch = fetch;
    expect((await asGlobalFetch('http://x/nope')).status).toBe(404);
    await expect(fetch('not a url')).rejects.toThrow(TypeError);
  });
});
