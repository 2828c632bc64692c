import { describe, expect, vi } from 'vitest';
import { driveClockUntil } from '../../test/support/driveClock.js';
import { provisioningTest as it } from '../../test/support/provisioningHarness.js';
import { isKnewtonUnavailableError } from '../errors.js';
import type { QueuedEnsure } from './types.js';

// The first store of a file loads the PGlite template: seconds on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

describe('held ensures behind the rate limits', () => {
  it('a queued user is created when the window turns; one refused by a full line queues again and is created in turn', async ({
    startHarness,
    clock,
  }) => {
    // One single create per window of about a second, no batches, room for one waiting user.
    const h = await startHarness({
      clock,
      platform: {
        rateLimits: { accountCreatesPerMinute: 1, batchCallsPerMinute: 0, timeScale: 60 },
      },
      provisioner: { maxQueuedCreations: 1 },
    });
    const ensure = (user: string) => h.provisioner.ensureAccount(user, { holdMs: 100 });
    const createdWhenTurned = (user: string) =>
      driveClockUntil(clock, async () => (await h.provisioner.getAccount(user)) !== undefined);

    expect(await ensure('early')).toMatchObject({ outcome: 'created' });
    const queued = await ensure('herd-1');
    expect(queued).toMatchObject({ outcome: 'queued' });
    // The pacing window keeps real time here (about 1,000.3 ms): its slot frees within one or two
    // whole seconds, depending on how long ago the early create was answered.
    const { retryAfterSeconds } = queued as QueuedEnsure;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(2);
    await expect(ensure('herd-2')).rejects.toSatisfy(isKnewtonUnavailableError);

    await createdWhenTurned('herd-1');
    expect(await ensure('herd-1')).toMatchObject({ outcome: 'existed' });
    expect(await ensure('herd-2')).toMatchObject({ outcome: 'queued' });
    await createdWhenTurned('herd-2');
    expect(h.createCalls()).toBe(3);
    expect(h.sim.stats().accounts).toBe(3);
    expect(await h.rows()).toBe(3);
  });

  it('behind every call slot busy at a slow platform: queued at once, Retry-After when a slot frees', async ({
    startHarness,
    clock,
  }) => {
    // Each create waits at the door until the test lets it through; windows roomy, two calls in flight.
    const held: Array<() => void> = [];
    const h = await startHarness({
      clock,
      platform: { rateLimits: { batchCallsPerMinute: 0 } },
      provisioner: { maxConcurrentCreations: 2 },
      wrapFetch: (next) => async (request) => {
        if (new URL(request.url).pathname === '/v0/accounts')
          await new Promise<void>((release) => held.push(release));
        return next(request);
      },
    });
    const atTheDoor = (count: number) =>
      driveClockUntil(clock, () => held.length >= count, { stepMs: 0 });
    const letThrough = () => {
      for (const release of held.splice(0)) release();
    };

    // Two creates that take 10 s each on the provisioner's clock: the line learns how long calls take.
    const first = [h.provisioner.ensureAccount('slow-1'), h.provisioner.ensureAccount('slow-2')];
    await atTheDoor(2);
    await clock.advance(10_000);
    letThrough();
    await Promise.all(first);

    // Both slots busy again; the next user cannot start before one of them ends, about 10 s from now.
    const busy = [h.provisioner.ensureAccount('slow-3'), h.provisioner.ensureAccount('slow-4')];
    await atTheDoor(2);
    const answer = await Promise.race([
      h.provisioner.ensureAccount('behind', { holdMs: 4_500 }),
      new Promise<'still held'>((resolve) => setTimeout(() => resolve('still held'), 2_000)),
    ]);
    expect(answer).toMatchObject({ outcome: 'queued' });
    // The slots free 10 s (and the few milliseconds the calls took beyond it) from now.
    const { retryAfterSeconds } = answer as QueuedEnsure;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(10);
    expect(retryAfterSeconds).toBeLessThanOrEqual(11);

    await clock.advance(10_000);
    letThrough();
    await Promise.all(busy);
    await driveClockUntil(clock, async () => {
      letThrough();
      return (await h.provisioner.getAccount('behind')) !== undefined;
    });
    expect(h.sim.stats().accounts).toBe(5);
  });
});
