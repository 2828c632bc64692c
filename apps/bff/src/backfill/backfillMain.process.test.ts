import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPgliteStore } from '@knewton-kit/bff';
import { createPlatformSim, type ListeningSim, type PlatformSim } from '@knewton-kit/platform-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const mainPath = resolve(import.meta.dirname, 'backfillMain.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `pnpm backfill` without pnpm: the same entry, run by Node with tsx and the `source` condition. */
function spawnBackfill(env: Record<string, string>, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function run(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

describe('pnpm backfill --users <file> (as a process, against the simulator as a separate server)', () => {
  let dir: string;
  let sim: PlatformSim;
  let listening: ListeningSim;
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kk-backfill-'));
    sim = createPlatformSim();
    listening = await sim.listen({ port: 0 });
    env = {
      DATA_DIR: dir,
      KNEWTON_API_URL: listening.url,
      KNEWTON_API_KEY: sim.apiKey,
      KNEWTON_API_SECRET: sim.apiSecret,
      KNEWTON_SYSTEM_EXTERNAL_USER_ID: sim.systemExternalUserId,
      KNEWTON_PSEUDONYM_KEY: 'backfill-test-pseudonym-key-0123456789abcdef',
      // No ALLOWED_ORIGINS or SESSION_SECRET: a command-line tool serves no browser.
    };
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function storedRows(): Promise<number> {
    const store = await createPgliteStore({ dataDir: join(dir, 'pglite') });
    try {
      const rows = await store.db.selectFrom('knewton_accounts').select('app_user_id').execute();
      return rows.length;
    } finally {
      await store.close();
    }
  }

  it('creates every account, reports bad lines by number, prints progress and a summary; a rerun skips them', async () => {
    const users = Array.from({ length: 150 }, (_, i) => `user-${i}`);
    const lines = [
      ...users.slice(0, 2),
      '',
      ...users.slice(2, 5),
      'x'.repeat(600),
      ...users.slice(5),
    ];
    const file = join(dir, 'users.txt');
    await writeFile(file, `${lines.join('\n')}\n`);

    const first = await run(spawnBackfill(env, ['--users', file]));
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /backfill done: 152\/152 users: 150 created, 0 existed, 0 repaired, 2 refused, 0 failed/,
    );
    expect(first.stderr).toContain('line 3: refused: empty line');
    expect(first.stderr).toContain('line 7: refused: longer than 512 characters');
    // Not a terminal: plain progress lines, no bar control codes.
    expect(first.stderr).toMatch(/backfill: 152\/152 users \(100%\), \d+\/min, ETA/);
    expect(first.stderr).not.toContain('\u001b[');
    // Ids never reach the output (they may be personal data); line numbers do.
    expect(first.stdout + first.stderr).not.toContain('user-42');
    expect(sim.stats().accounts).toBe(150);
    // Most went out in batches.
    expect(sim.stats().calls['POST /v0/batch'] ?? 0).toBeGreaterThanOrEqual(2);

    const again = await run(spawnBackfill(env, ['--users', file]));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/150 existed, 0 repaired, 2 refused, 0 failed/);
    expect(sim.stats().accounts).toBe(150);
    expect(await storedRows()).toBe(150);
  }, 120_000);

  it('resumes after kill -9 halfway: the rerun finishes, with exactly one account per user', async () => {
    const users = Array.from({ length: 1500 }, (_, i) => `member-${i}`);
    const file = join(dir, 'users.txt');
    await writeFile(file, `${users.join('\n')}\n`);
    // A slow platform, so the kill lands while batches are in flight.
    sim.setFaults({ latencyMs: 400 });
    const child = spawnBackfill(env, ['--users', file]);
    const killed = run(child);
    const deadline = Date.now() + 60_000;
    while (sim.stats().accounts < 300 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect((await killed).signal).toBe('SIGKILL');
    const madeBeforeKill = sim.stats().accounts;
    expect(madeBeforeKill).toBeGreaterThanOrEqual(300);
    expect(madeBeforeKill).toBeLessThan(1500);

    sim.setFaults({});
    const rerun = await run(spawnBackfill(env, ['--users', file]));
    expect(rerun.code).toBe(0);
    const summary = /(\d+) created, (\d+) existed, (\d+) repaired, 0 refused, 0 failed/.exec(
      rerun.stdout,
    );
    expect(summary).not.toBeNull();
    const [created, existed, repaired] = (summary ?? []).slice(1).map(Number);
    expect((created ?? 0) + (existed ?? 0) + (repaired ?? 0)).toBe(1500);
    // Creates whose answer the kill lost were repaired, not made again.
    expect(sim.stats().accounts).toBe(1500);
    expect(sim.accounts().accounts).toHaveLength(1500);
    expect(await storedRows()).toBe(1500);
  }, 180_000);

  it('exits 1 with the failed lines when the platform is down; nothing is stored', async () => {
    await writeFile(join(dir, 'users.txt'), 'a-1\na-2\na-3\n');
    sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const down = await run(spawnBackfill(env, ['--users', join(dir, 'users.txt')]));
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/0 created, 0 existed, 0 repaired, 0 refused, 3 failed/);
    expect(down.stderr).toMatch(/line 1: failed: Knewton/);
    expect(await storedRows()).toBe(0);
  }, 120_000);

  it('refuses to start without --users, naming the flag', async () => {
    const bare = await run(spawnBackfill(env, []));
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--users');
  }, 60_000);
});
