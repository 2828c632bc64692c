import type { SimFaults } from '@knewton-kit/platform-sim';
import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount } from '../bffClient.js';
import { bffEnvironment } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { answersRecord, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { runFinalPass } from '../runFinalPass.js';
import { runPool } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';

interface Phase {
  name: string;
  faults: SimFaults;
  /**
   * What first visits must get while the fault lasts, within the ~5 s hold (an ensure still waiting then
   * is answered 202 `queued`; 503 only once the BFF knows the platform is failing creates):
   * - `accounts`: an account;
   * - `accounts-or-queued`: an account, or 202 `queued` when the create (a repair included) outlasts the hold;
   * - `unavailable`: 503 `knewton_unavailable`;
   * - `held-back`: 202 `queued` or 503 `knewton_unavailable`, never an account;
   * - `either`: any documented answer.
   * Users not given an account during their phase must get it in the final pass (checked per phase).
   */
  expectNew: 'accounts' | 'accounts-or-queued' | 'unavailable' | 'held-back' | 'either';
  users?: number;
}

/**
 * Platform faults, one at a time, each under a burst of first visits and of returning users: latency,
 * 5xx bursts, 429 storms, hung requests, lost create answers and revoked tokens. Every answer must be one
 * the contract documents, returning users must not notice, and afterwards every user has exactly one account.
 */
export async function runPlatformFaults(profile: ChaosProfile): Promise<ScenarioResult> {
  const { warmUsers, usersPerPhase, concurrency, hangUsers } = profile.platformFaults;
  const harness = await openHarness();
  const failures: string[] = [];
  try {
    const dataDir = await harness.tempDir();
    const bff = await harness.spawn(
      bffEnvironment(harness.sim, harness.secrets, { dataDir }),
      'platform-faults',
    );
    const ledger = new AnswerLedger();
    const warm = Array.from({ length: warmUsers }, (_, i) => `pf-warm-${i}`);
    const phases: Phase[] = [
      {
        name: 'latency spike (1.5 s per platform call)',
        faults: { latencyMs: 1_500 },
        expectNew: 'accounts',
      },
      {
        name: '5xx burst (every call 503)',
        faults: { errorRate: 1, errorStatus: 503 },
        expectNew: 'unavailable',
      },
      {
        name: 'flaky 5xx (30% of calls 500)',
        faults: { errorRate: 0.3, errorStatus: 500 },
        expectNew: 'either',
      },
      {
        name: '429 storm (every call 429)',
        faults: { errorRate: 1, errorStatus: 429 },
        // Waiting out 429s is the platform's rate limits (202) until the resends run out (503).
        expectNew: 'held-back',
      },
      {
        name: 'flaky 429 (50% of calls)',
        faults: { errorRate: 0.5, errorStatus: 429 },
        expectNew: 'either',
      },
      {
        name: 'hung requests (no answer at all)',
        faults: { hang: true },
        expectNew: 'held-back',
        users: hangUsers,
      },
      {
        name: 'lost answers (dropAfterCreate)',
        faults: { dropAfterCreate: true },
        // The resend, its 422 duplicate and the scoped-token repair may outlast the hold (202, never 503).
        expectNew: 'accounts-or-queued',
      },
      {
        name: 'token expiry (every issued token revoked)',
        faults: { expireTokens: true },
        expectNew: 'accounts',
      },
      {
        name: 'latency 300 ms + 20% 503',
        faults: { latencyMs: 300, errorRate: 0.2, errorStatus: 503 },
        expectNew: 'either',
      },
    ];
    const phaseUsers = phases.map((phase, p) =>
      Array.from({ length: phase.users ?? usersPerPhase }, (_, i) => `pf-${p}-${i}`),
    );
    const allUsers = [...warm, ...phaseUsers.flat()];
    const cookies = await harness.signInAll(bff.url, allUsers);
    await runPool(warm, concurrency, async (userId) => {
      const answer = await ensureAccount(bff.url, cookies.get(userId) as string);
      ledger.record({ userId, key: answer.key, accountId: answer.accountId, source: 'warm-up' });
    });

    const started = Date.now();
    const figures: string[] = [];
    for (const [p, phase] of phases.entries()) {
      harness.sim.sim.setFaults(phase.faults);
      const fresh = phaseUsers[p] as string[];
      const work = [
        ...fresh.map((userId) => ({ userId, fresh: true })),
        ...warm.slice(0, fresh.length).map((userId) => ({ userId, fresh: false })),
      ];
      const seen = new Map<string, number>();
      const latencies: number[] = [];
      const phaseStart = Date.now();
      await runPool(work, concurrency, async ({ userId, fresh: isNew }) => {
        const answer = await ensureAccount(bff.url, cookies.get(userId) as string, {
          timeoutMs: 90_000,
        });
        ledger.record({ userId, key: answer.key, accountId: answer.accountId, source: phase.name });
        const key = `${isNew ? 'new' : 'returning'} ${answer.key}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        latencies.push(answer.latencyMs);
        if (!isNew && answer.key !== '200')
          failures.push(`${phase.name}: a returning user got ${answer.key}`);
      });
      harness.sim.sim.setFaults({});
      const created = seen.get('new 201') ?? 0;
      const unavailable = seen.get('new 503 knewton_unavailable') ?? 0;
      const queued = seen.get('new 202 queued') ?? 0;
      if (phase.expectNew === 'accounts' && created !== fresh.length) {
        failures.push(`${phase.name}: ${created} of ${fresh.length} first visits got an account`);
      }
      if (phase.expectNew === 'accounts-or-queued' && created + queued !== fresh.length) {
        failures.push(
          `${phase.name}: ${created + queued} of ${fresh.length} first visits got an account or 202 queued`,
        );
      }
      if (phase.expectNew === 'held-back' && queued + unavailable !== fresh.length) {
        failures.push(
          `${phase.name}: ${queued + unavailable} of ${fresh.length} first visits got 202 queued or 503 knewton_unavailable`,
        );
      }
      if (phase.expectNew === 'unavailable' && unavailable !== fresh.length) {
        failures.push(
          `${phase.name}: ${unavailable} of ${fresh.length} first visits got 503 knewton_unavailable`,
        );
      }
      figures.push(
        `${phase.name}: ${[...seen]
          .sort()
          .map(([key, count]) => `${count} × ${key}`)
          .join(
            ', ',
          )}; p99 ${percentile(latencies, 99).toFixed(0)} ms; ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`,
      );
    }
    const durationMs = Date.now() - started;

    // Every user gets an account on a later ensure, with no fault left: nothing was lost or doubled meanwhile.
    await runFinalPass(allUsers, concurrency, () => bff.url, cookies, ledger);
    for (const [p, phase] of phases.entries()) {
      const without = (phaseUsers[p] as string[]).filter(
        (userId) => !ledger.firstIdByUser.has(userId),
      );
      if (without.length > 0) {
        failures.push(
          `${phase.name}: ${without.length} first visitors had no account after the fault ended (e.g. ${without[0]})`,
        );
      }
    }
    const platform = harness.platformSummary();
    if (platform.droppedAfterCreate === 0)
      failures.push('dropAfterCreate never dropped a create answer');
    if (harness.sim.answered('POST /v0/accounts', 401) === 0)
      failures.push('token expiry never reached the BFF');
    failures.push(...harness.bffErrorFailures());
    return {
      id: 'platform-faults',
      title: 'Platform faults',
      store: 'PGlite',
      processes: 1,
      users: allUsers.length,
      requests: ledger.total,
      concurrency,
      durationMs,
      answers: answersRecord(ledger),
      faults: phases.map((phase) => phase.name),
      platform,
      figures: [
        ...figures,
        `platform answered 401 to ${harness.sim.answered('POST /v0/accounts', 401)} creates after the token revocation`,
        `${platform.droppedAfterCreate} create answers dropped, repaired through 422 duplicate → scoped token (${harness.sim.answered('POST /v0/accounts', 422)} refused singles, ${harness.sim.answered('POST /v0/batch', 207)} partly refused batches)`,
      ],
      anomalies: harness.verdict(ledger, allUsers),
      failures,
    };
  } finally {
    await harness.close();
  }
}
