import { describe, expect, vi } from 'vitest';
import { provisioningTest as it } from '../../test/support/provisioningHarness.js';
import { eraseAccounts } from './eraseAccounts.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

describe('eraseAccounts', () => {
  it('erases every listed learner, reports bad lines by number, and a rerun finds them erased', async ({
    startHarness,
  }) => {
    const h = await startHarness();
    const learners = Array.from({ length: 30 }, (_, i) => `bulk-${i}`);
    await Promise.all(learners.map((user) => h.provisioner.ensureAccount(user)));
    const problems: unknown[] = [];
    const lines = [...learners.slice(0, 10), '', ...learners.slice(10), 'never-provisioned'];
    const summary = await eraseAccounts({
      provisioner: h.provisioner,
      users: lines,
      onProblem: (problem) => problems.push(problem),
    });
    expect(summary).toEqual({
      done: 32,
      erased: 30,
      alreadyErased: 0,
      noAccount: 1,
      refused: 1,
      failed: 0,
      interrupted: false,
    });
    expect(problems).toEqual([{ line: 11, kind: 'refused', reason: 'empty line' }]);
    expect(h.sim.stats().accounts).toBe(0);
    expect(await h.rows()).toBe(0);
    const rerun = await eraseAccounts({ provisioner: h.provisioner, users: learners });
    expect(rerun).toMatchObject({ done: 30, alreadyErased: 30, erased: 0, failed: 0 });
  });

  it('counts learners it could not erase as failed (the rerun finishes them) and stops on the signal', async ({
    startHarness,
  }) => {
    const h = await startHarness({ platform: { maxRetries: 0 } });
    await Promise.all(['f1', 'f2', 'f3'].map((user) => h.provisioner.ensureAccount(user)));
    h.sim.setFaults({ errorRate: 1 });
    const failed = await eraseAccounts({ provisioner: h.provisioner, users: ['f1', 'f2'] });
    expect(failed).toMatchObject({ done: 2, failed: 2, erased: 0 });
    h.sim.setFaults({});
    const rerun = await eraseAccounts({ provisioner: h.provisioner, users: ['f1', 'f2'] });
    // Their store rows went in the first run; the rerun finishes the platform deletion.
    expect(rerun).toMatchObject({ done: 2, failed: 0 });
    expect(h.sim.stats().accounts).toBe(1);

    const stop = new AbortController();
    stop.abort();
    const interrupted = await eraseAccounts({
      provisioner: h.provisioner,
      users: ['f3'],
      signal: stop.signal,
    });
    expect(interrupted).toMatchObject({ done: 0, interrupted: true });
    expect(h.sim.stats().accounts).toBe(1);
  });
});
