import { describe, expect, it } from 'vitest';
import { simOnTestClock } from '../../test/support/simOnTestClock.js';
import { sleep } from '../clock.js';
import { createPlatformClient } from './createPlatformClient.js';

/**
 * The platform counts a call when it arrives; the client only knows when the call left and when it was
 * answered. On a loaded machine the two drift apart: a busy event loop, a connection waiting to be read,
 * a CPU-starved platform process. At the documented limit (750 creates a minute), on a fake clock.
 */
describe('client-side pacing against the simulator when a call arrives late', () => {
  it('provokes no 429 when a call of one window reaches the platform in its next one', async () => {
    let delayNext = false;
    const env = simOnTestClock({
      intercept: async (request, next) => {
        // One create held on its way for 12 s: it left in the platform's first window, it arrives in the next.
        if (delayNext && request.url.endsWith('/v0/accounts')) {
          delayNext = false;
          await sleep(env.clock, 12_000);
        }
        return next(request);
      },
      platform: { timeoutMs: 60_000 },
    });
    const platform = createPlatformClient(env.platform);
    const create = (id: string) => platform.createAccount(id);
    const creates: Array<Promise<unknown>> = [];
    // The platform's first window opens with this create.
    creates.push(create('ext-first'));
    await env.advance(12_000);
    for (let i = 0; i < 748; i++) creates.push(create(`ext-a-${i}`));
    // The window's last create leaves at 54 s and arrives at 66 s, after the platform's window turned.
    await env.advance(42_000);
    delayNext = true;
    creates.push(create('ext-late'));
    // A full window's worth more, waiting for the client's window: counted from when the late call
    // left, its slot would free 60 s after 54 s, inside the platform's second window.
    await env.advance(1_200);
    for (let i = 0; i < 750; i++) creates.push(create(`ext-b-${i}`));

    const outcomes = await env.drive(Promise.all(creates), 100);
    expect(outcomes.every((outcome) => (outcome as { kind: string }).kind === 'created')).toBe(
      true,
    );
    expect(env.sim.stats().accounts).toBe(1_500);
    expect(env.sim.stats().rateLimited).toBe(0);
  });
});
