import { describe, expect, it } from 'vitest';
import { OutageDetector } from './OutageDetector.js';

describe('OutageDetector', () => {
  it('takes two failures and no success in a pass as the platform down, then probes one learner per pass', () => {
    const outage = new OutageDetector(1_000, 30_000, () => 1);
    expect(outage.paused).toBe(false);
    expect(outage.passWidth(16)).toBe(16);
    expect(outage.isDown({ succeeded: 0, failed: 1 })).toBe(false);
    expect(outage.isDown({ succeeded: 1, failed: 5 })).toBe(false);
    expect(outage.isDown({ succeeded: 0, failed: 2 })).toBe(true);
    expect(outage.passFailed()).toBe(1_000);
    expect(outage.paused).toBe(true);
    expect(outage.passWidth(16)).toBe(1);
    // While paused, one failed probe is enough to stay paused, for longer each time.
    expect(outage.isDown({ succeeded: 0, failed: 1 })).toBe(true);
    expect([outage.passFailed(), outage.passFailed()]).toEqual([2_000, 4_000]);
  });

  it('stays paused after a pass that reached nobody, and resumes at full width after one answer', () => {
    const outage = new OutageDetector(1_000, 30_000, () => 1);
    outage.passFailed();
    outage.passFailed();
    // Every learner was waiting for their slot or backing off: nothing learnt about the platform.
    outage.passEnded(false);
    expect(outage.paused).toBe(true);
    expect(outage.passFailed()).toBe(4_000);
    outage.passEnded(true);
    expect(outage.paused).toBe(false);
    expect(outage.passWidth(16)).toBe(16);
    expect(outage.passFailed()).toBe(1_000);
  });

  it('never pauses longer than the cap', () => {
    const outage = new OutageDetector(1_000, 30_000, () => 1);
    const pauses = Array.from({ length: 10 }, () => outage.passFailed());
    expect(Math.max(...pauses)).toBe(30_000);
  });
});
