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
});
