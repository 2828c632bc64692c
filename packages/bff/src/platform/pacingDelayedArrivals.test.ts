import { createPlatformSim } from '@knewton-kit/platform-sim';
import { describe, expect, it } from 'vitest';
import { createPlatformClient } from './createPlatformClient.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The platform counts a call when it arrives; the client only knows when the call left and when it was
 * answered. On a loaded machine the two drift apart: a busy event loop, a connection waiting to be read,
 * a CPU-starved platform process. The documented limits run here 12 times faster on both sides (750
 * creates per 5 s instead of per minute), so the test takes seconds.
 */
describe('client-side pacing against the simulator when a call arrives late', () => {
  it('provokes no 429 when a call of one window reaches the platform in its next one', async () => {
    const sim = createPlatformSim({ rateLimitScale: 12 });
    let delayNext = false;
    const platform = createPlatformClient({
      baseUrl: 'http://knewton.test',
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      systemExternalUserId: sim.systemExternalUserId,
      rateLimits: { accountCreatesPerMinute: 750, batchCallsPerMinute: 90, timeScale: 12 },
      fetch: async (request) => {
        // One create held on its way for 1 s: it left in the platform's first window, it arrives in the next.
        if (delayNext && new URL(request.url).pathname === '/v0/accounts') {
          delayNext = false;
          await sleep(1_000);
        }
        return sim.fetch(request);
      },
    });
    const create = (id: string) => platform.createAccount(id);
    const startedAt = performance.now();
    const at = (ms: number) => sleep(Math.max(0, ms - (performance.now() - startedAt)));
    const creates: Array<Promise<unknown>> = [];
    // The platform's first window opens with this create.
    creates.push(create('ext-first'));
    await at(1_000);
    for (let i = 0; i < 748; i++) creates.push(create(`ext-a-${i}`));
    // The window's last create leaves at 4.5 s and arrives at 5.5 s, after the platform's window turned.
    await at(4_500);
    delayNext = true;
    creates.push(create('ext-late'));
    // A full window's worth more, waiting for the client's window: counted from when the late call
    // left, its slot would free 5 s after 4.5 s, inside the platform's second window.
    await at(4_600);
    for (let i = 0; i < 750; i++) creates.push(create(`ext-b-${i}`));

    const outcomes = await Promise.all(creates);
    expect(outcomes.every((outcome) => (outcome as { kind: string }).kind === 'created')).toBe(
      true,
    );
    expect(sim.stats().accounts).toBe(1_500);
    expect(sim.stats().rateLimited).toBe(0);
  }, 60_000);
});
