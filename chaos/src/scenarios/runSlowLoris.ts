import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount } from '../bffClient.js';
import { bffEnvironment } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { answersRecord, openHarness } from '../openHarness.js';
import { percentile } from '../percentile.js';
import { repoRoot } from '../repoRoot.js';
import { sleep } from '../runPool.js';
import type { ScenarioResult } from '../ScenarioResult.js';
import { spawnBff } from '../spawnBff.js';

/** Legitimate users, each signed in once and ensured over and over during the attack. */
const legitimateUsers = 50;
/** Legitimate requests must succeed at least this often during the attack. */
const requiredSuccessRate = 0.99;

interface AttackerReport {
  target: number;
  opened: number;
  peakOpen: number;
  closedByServer: number;
  connectErrors: number;
}

/**
 * Slow-loris: one client (its own loopback address, 127.0.0.2, in a process of its own) holds as many
 * sockets as the profile says to the BFF, each trickling a request head that never ends, and reopens every
 * socket the server closes; meanwhile legitimate clients on 127.0.0.1 keep ensuring their accounts. The
 * figure is the legitimate requests' success rate and latency during the attack. The BFF runs with a lower
 * open-file limit (20,000 here) and the client wants more: on 2 busy cores a server accepts a few hundred
 * connections a second, and exhausting descriptors works the same at any limit. `CHAOS_BFF_ROOT` runs the
 * same attack against another checkout's `apps/bff` (an older version, for a baseline row).
 */
export async function runSlowLoris(profile: ChaosProfile): Promise<ScenarioResult> {
  const { sockets, attackMs, maxRampMs, concurrency, bffOpenFiles } = profile.slowLoris;
  const root = process.env.CHAOS_BFF_ROOT || undefined;
  const harness = await openHarness();
  const failures: string[] = [];
  try {
    const dataDir = await harness.tempDir();
    const env = bffEnvironment(harness.sim, harness.secrets, { dataDir });
    const bff = await spawnBff(env, {
      label: 'slow-loris',
      openFileLimit: bffOpenFiles,
      ...(root ? { root } : {}),
    });
    harness.bffs.push(bff);
    const userIds = Array.from({ length: legitimateUsers }, (_, i) => `slow-loris-${i}`);
    const cookies = await harness.signInAll(bff.url, userIds);
    const ledger = new AnswerLedger();

    // Before the attack: the same clients, for a reference latency.
    const calm = await legitimateLoad(
      bff.url,
      userIds,
      cookies,
      ledger,
      concurrency,
      5_000,
      'calm',
    );

    const attacker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'chaos/src/slowLorisAttacker.ts',
        `--port=${new URL(bff.url).port}`,
        `--sockets=${sockets}`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // The attack counts from when the client holds nearly all its sockets (or `maxRampMs`): on a
    // busy 2-core machine the server accepts a few hundred connections a second.
    let openNow = 0;
    let resolveRamp: () => void = () => {};
    const ramped = new Promise<void>((resolve) => {
      resolveRamp = resolve;
    });
    const reportLine = new Promise<string>((resolve) => {
      createInterface({ input: attacker.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        const parsed = JSON.parse(line) as { open?: number; target?: number };
        if (parsed.target !== undefined) resolve(line);
        else if (parsed.open !== undefined) {
          openNow = parsed.open;
          if (openNow >= sockets * 0.95) resolveRamp();
        }
      });
    });
    harness.onClose(async () => {
      if (attacker.exitCode === null) attacker.kill('SIGKILL');
    });
    const rampStarted = Date.now();
    await Promise.race([ramped, sleep(maxRampMs)]);
    const rampMs = Date.now() - rampStarted;
    const openAtStart = openNow;
    const during = await legitimateLoad(
      bff.url,
      userIds,
      cookies,
      ledger,
      concurrency,
      attackMs,
      'during attack',
    );
    attacker.kill('SIGTERM');
    const report = JSON.parse(await reportLine) as AttackerReport;
    await once(attacker, 'exit');
    const after = await legitimateLoad(
      bff.url,
      userIds,
      cookies,
      ledger,
      concurrency,
      3_000,
      'after',
    );

    const rate = during.ok / Math.max(1, during.sent);
    if (!root && rate < requiredSuccessRate) {
      failures.push(
        `only ${(rate * 100).toFixed(1)}% of legitimate requests succeeded during the attack (need ${requiredSuccessRate * 100}%)`,
      );
    }
    if (!root && !bff.alive) failures.push('the BFF died during the attack');
    if (!root) failures.push(...harness.bffErrorFailures());
    const describe = (phase: Phase) =>
      `${phase.ok.toLocaleString('en-US')}/${phase.sent.toLocaleString('en-US')} succeeded (${((phase.ok / Math.max(1, phase.sent)) * 100).toFixed(1)}%), p50 ${percentile(phase.latencies, 50).toFixed(0)} ms, p99 ${percentile(phase.latencies, 99).toFixed(0)} ms`;
    return {
      id: 'slow-loris',
      title: root ? `Slow-loris (baseline: ${root})` : 'Slow-loris',
      store: 'PGlite',
      processes: 1,
      users: legitimateUsers,
      requests: calm.sent + during.sent + after.sent,
      concurrency,
      durationMs: 5_000 + rampMs + attackMs + 3_000,
      answers: answersRecord(ledger),
      faults: [
        `BFF open-file limit ${bffOpenFiles.toLocaleString('en-US')}; ${report.target.toLocaleString('en-US')} slow-loris sockets wanted from one client (${openAtStart.toLocaleString('en-US')} open after a ${(rampMs / 1000).toFixed(0)} s ramp), held for ${(attackMs / 1000).toFixed(0)} s: ${report.opened.toLocaleString('en-US')} opened, at most ${report.peakOpen.toLocaleString('en-US')} open at once, ${report.closedByServer.toLocaleString('en-US')} closed by the server, ${report.connectErrors.toLocaleString('en-US')} connects refused`,
      ],
      platform: harness.platformSummary(),
      figures: [
        `legitimate ensures before the attack: ${describe(calm)}`,
        `**legitimate ensures during the attack: ${describe(during)}**`,
        `legitimate ensures after the attack: ${describe(after)}`,
      ],
      anomalies: harness.verdict(ledger, []),
      failures,
    };
  } finally {
    await harness.close();
  }
}

interface Phase {
  sent: number;
  ok: number;
  /** Milliseconds of every answer (successes and failures alike, so a failure cannot hide a wait). */
  latencies: number[];
}

/** `concurrency` clients ensuring accounts back to back for `ms`; 10 s client timeout each. */
async function legitimateLoad(
  url: string,
  userIds: readonly string[],
  cookies: Map<string, string>,
  ledger: AnswerLedger,
  concurrency: number,
  ms: number,
  source: string,
): Promise<Phase> {
  const phase: Phase = { sent: 0, ok: 0, latencies: [] };
  const until = Date.now() + ms;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const userId = userIds[next++ % userIds.length] as string;
        const answer = await ensureAccount(url, cookies.get(userId) as string, {
          timeoutMs: 10_000,
        });
        phase.sent++;
        phase.latencies.push(answer.latencyMs);
        if (answer.key === '200' || answer.key === '201') phase.ok++;
        ledger.record({ userId, key: answer.key, accountId: answer.accountId, source });
        await sleep(20);
      }
    }),
  );
  return phase;
}
