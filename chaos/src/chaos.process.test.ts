import { afterAll, describe, expect, it } from 'vitest';
import { trimmedProfile } from './chaosProfile.js';
import { runScenario } from './runScenarios.js';
import type { ScenarioId, ScenarioResult } from './ScenarioResult.js';
import { killAllBffs } from './spawnBff.js';
import { databaseUrlVariable, testDatabaseUrl } from './testDatabase.js';

const databaseUrl = testDatabaseUrl();
if (databaseUrl === undefined) {
  console.warn(
    `chaos: ${databaseUrlVariable} is not set; the PostgreSQL scenarios (scale-out, crashes, store faults, herd) are skipped.`,
  );
}

afterAll(() => {
  // Whatever happened, no BFF process group outlives the suite.
  killAllBffs();
});

/** The verdict every scenario must reach; the failure message carries the detectors' samples. */
function expectClean(result: ScenarioResult): void {
  expect(result.skipped).toBeUndefined();
  expect(result.failures).toEqual([]);
  expect(result.anomalies.duplicates).toEqual([]);
  expect(result.anomalies.lost).toEqual([]);
  expect(result.anomalies.orphans).toEqual([]);
  expect(result.anomalies.undocumented).toEqual([]);
  expect(result.anomalies.counts).toEqual({ duplicates: 0, lost: 0, orphans: 0, undocumented: 0 });
}

const run = (id: ScenarioId) => runScenario(id, trimmedProfile, databaseUrl);

// The trimmed scenarios start BFF processes (tsx, PGlite initdb) and run load on a shared 2-core machine.
describe('chaos (trimmed; `pnpm chaos` runs the full sizes)', { timeout: 240_000 }, () => {
  it('soak: every user keeps one id through load and a restart', async () => {
    const result = await run('soak');
    expectClean(result);
    expect(result.requests).toBe(trimmedProfile.soak.requests);
    expect(result.platform.created).toBe(trimmedProfile.soak.users);
  });

  it('platform faults: only documented answers, one account per user afterwards', async () => {
    const result = await run('platform-faults');
    expectClean(result);
    expect(result.platform.droppedAfterCreate).toBeGreaterThan(0);
    expect(result.platform.duplicateRefused).toBeGreaterThan(0);
    expect(result.platform.injected429).toBeGreaterThan(0);
    expect(result.answers['503 knewton_unavailable']).toBeGreaterThan(0);
  });

  it('bad input: no 5xx, nothing written, the process survives', async () => {
    const result = await run('bad-input');
    expectClean(result);
    expect(result.requests).toBe(trimmedProfile.badInput.runs);
  });

  it("learning flood: one learner flooding is limited, and no other learner's event is refused or lost", async () => {
    const result = await run('learning-flood');
    expectClean(result);
    expect(result.answers['events 202']).toBeGreaterThan(0);
    expect(result.answers['flooder events 429 rate_limited']).toBeGreaterThan(0);
    expect(result.figures[0]).toMatch(/\*\*0 refused\*\*, \*\*0 acknowledged events lost\*\*/);
    expect(result.figures[2]).toMatch(/a learner's first event accepted \(202\)/);
  });

  it('pglite owners: a contender is refused while the owner lives and takes over after kill -9', async () => {
    const result = await run('pglite-owners');
    expectClean(result);
    const { rounds } = trimmedProfile.pgliteOwners;
    expect(result.faults[0]).toContain(`(${rounds} refused, naming the owner's pid)`);
    expect(result.figures[0]).toBe(
      `contender refused while the owner lived: ${rounds} of ${rounds} rounds; took over after the kill: ${rounds} of ${rounds}`,
    );
    expect(result.figures[2]).toMatch(new RegExp(`^REINDEX passed ${rounds} of ${rounds} rounds`));
  });

  it('pglite crashes: kill -9 mid-provisioning loses and doubles nothing, every restart comes up', async () => {
    const result = await run('pglite-crashes');
    expectClean(result);
    const { kills } = trimmedProfile.pgliteCrashes;
    expect(result.faults[0]).toMatch(new RegExp(`^${kills} × kill -9`));
    expect(result.figures[0]).toMatch(
      new RegExp(`^restarts: ${kills} of ${kills} came up at the first try \\(0 failed\\)`),
    );
    expect(result.figures.at(-1)).toMatch(/^REINDEX passed/);
  });

  it('slow-loris: legitimate ensures keep succeeding while one client holds hundreds of slow sockets', async () => {
    const result = await run('slow-loris');
    expectClean(result);
    expect(result.answers['connection lost']).toBeUndefined();
  });

  describe.skipIf(databaseUrl === undefined)('on PostgreSQL', () => {
    it('scale-out: exactly one account and one 201 per user across processes', async () => {
      const result = await run('scale-out');
      expectClean(result);
      expect(result.platform.created).toBe(trimmedProfile.scaleOut.users);
      expect(result.answers['201']).toBe(trimmedProfile.scaleOut.users);
    });

    it('crashes: kill -9 mid-provisioning loses and doubles nothing', async () => {
      const result = await run('crashes');
      expectClean(result);
      expect(result.faults[0]).toMatch(new RegExp(`^${trimmedProfile.crashes.kills} × kill -9`));
      // Aimed kills left accounts on the platform without a row; the next ensures repaired them.
      expect(result.faults[0]).not.toMatch(/\(0 aimed/);
      expect(result.platform.duplicateRefused).toBeGreaterThan(0);
    });

    it('learning: kill -9 and a platform outage lose no acknowledged event, one registration each', async () => {
      const result = await run('learning');
      expectClean(result);
      expect(result.faults[0]).toMatch(new RegExp(`^${trimmedProfile.learning.kills} × kill -9`));
      expect(result.figures[0]).toMatch(/\*\*0 acknowledged events lost\*\*/);
      expect(result.figures[2]).toMatch(/^registrations per learner: min 1, max 1 /);
      expect(result.answers['events 202']).toBeGreaterThan(0);
      // The outage was met by the delivery loop, and it recovered from it.
      expect(result.figures[4]).not.toMatch(/ 0 × 503 \(the outage\)/);
    });

    it('herd: kill -9 mid-batch during cohorts ensuring at once loses and doubles nothing', async () => {
      const result = await run('herd');
      expectClean(result);
      const { kills, users } = trimmedProfile.herd;
      expect(result.faults[0]).toMatch(new RegExp(`^${kills} × kill -9`));
      // At least one kill landed on a committed, unanswered batch: accounts on the platform, no rows yet.
      expect(result.faults[0]).not.toMatch(/\(0 aimed/);
      expect(result.platform.created).toBe(users);
    });

    it('store faults: 503 store_unavailable during the outage, recovery without a restart', async () => {
      const result = await run('store-faults');
      expectClean(result);
      expect(result.answers['503 store_unavailable']).toBeGreaterThan(0);
    });
  });
});
