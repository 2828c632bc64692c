import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPgliteStore } from '@knewton-kit/bff';
import { createPlatformSim, type ListeningSim, type PlatformSim } from '@knewton-kit/platform-sim';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const backfillPath = resolve(import.meta.dirname, 'backfill/backfillMain.ts');
const learners = Number(process.env.ROTATION_LEARNERS ?? 2000);
const keyOne = 'rotation-herd-key-one-0123456789abcdefghij';
const keyTwo = 'rotation-herd-key-two-0123456789abcdefghij';
let child: ChildProcess | undefined;
let dir: string | undefined;
let sim: PlatformSim | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function backfill(env: Record<string, string>, file: string): ChildProcess {
  child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', backfillPath, '--users', file],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.resume();
  return child;
}

describe('key rotation in the middle of a herd, with lost create answers and a kill -9', () => {
  it(`provisions ${learners} learners across the rotation with 0 duplicates and 0 orphans`, async () => {
    dir = await mkdtemp(join(tmpdir(), 'kk-rotation-'));
    sim = createPlatformSim();
    const listening: ListeningSim = await sim.listen({ port: 0 });
    const base = {
      DATA_DIR: dir,
      KNEWTON_API_URL: listening.url,
      KNEWTON_API_KEY: sim.apiKey,
      KNEWTON_API_SECRET: sim.apiSecret,
      KNEWTON_SYSTEM_EXTERNAL_USER_ID: sim.systemExternalUserId,
      SESSION_SECRET: 'rotation-test-session-secret-0123456789abcdef',
      ALLOWED_ORIGINS: 'https://app.example.com',
    };
    const file = join(dir, 'users.txt');
    await writeFile(
      file,
      `${Array.from({ length: learners }, (_, i) => `herd-${i}`).join('\n')}\n`,
    );

    // Before the rotation: the single key, every create's answer lost (repaired by resends or not at
    // all), and the process killed once half the herd has accounts, with creates in flight.
    sim.setFaults({ dropAfterCreate: true });
    const first = backfill({ ...base, KNEWTON_PSEUDONYM_KEY: keyOne }, file);
    const firstExit = once(first, 'exit');
    const deadline = Date.now() + 240_000;
    while (sim.stats().accounts < learners / 2 && Date.now() < deadline && first.exitCode === null)
      await new Promise((r) => setTimeout(r, 10));
    first.kill('SIGKILL');
    await firstExit;
    const beforeRotation = sim.stats().accounts;
    expect(beforeRotation).toBeGreaterThanOrEqual(learners / 2);
    expect(beforeRotation).toBeLessThan(learners);
    const storeBefore = await createPgliteStore({ dataDir: join(dir, 'pglite') });
    const mappedBefore = (
      await storeBefore.db.selectFrom('knewton_accounts').select('app_user_id').execute()
    ).length;
    await storeBefore.close();

    // The rotation: v2 added as the newest key, the herd run again with its answers arriving.
    sim.setFaults({});
    const second = backfill({ ...base, KNEWTON_PSEUDONYM_KEYS: `v1:${keyOne},v2:${keyTwo}` }, file);
    let stdout = '';
    second.stdout?.on('data', (chunk) => (stdout += chunk));
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code, stdout).toBe(0);

    const accounts = sim.accounts().accounts;
    const store = await createPgliteStore({ dataDir: join(dir, 'pglite') });
    try {
      const rows = await store.db.selectFrom('knewton_accounts').selectAll().execute();
      const byAccount = new Map(rows.map((row) => [row.account_id, row]));
      const orphans = accounts.filter((a) => byAccount.get(a.id)?.external_id !== a.externalUserId);
      const versions = { v1: 0, v2: 0 } as Record<string, number>;
      for (const row of rows) versions[row.key_version] = (versions[row.key_version] ?? 0) + 1;
      expect(rows).toHaveLength(learners);
      expect(accounts).toHaveLength(learners);
      expect(orphans).toEqual([]);
      // Every create of before the rotation keeps v1 (repaired, or sent now under its recorded id); only
      // users that had no recorded id yet got v2.
      expect(versions.v1).toBeGreaterThanOrEqual(beforeRotation);
      expect((versions.v1 ?? 0) + (versions.v2 ?? 0)).toBe(learners);
      expect(versions.v2).toBeGreaterThan(0);
      console.log(
        `rotation mid-herd: ${learners} learners, ${beforeRotation} accounts made before the kill and rotation (${mappedBefore} of them mapped), ${accounts.length - learners} duplicates, ${orphans.length} orphans; ${versions.v1} under v1, ${versions.v2} under v2; ${stdout.trim()}`,
      );
    } finally {
      await store.close();
    }
  }, 600_000);
});
