import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPgliteStore } from '@knewton-kit/bff';
import { createPlatformSim, type ListeningSim, type PlatformSim } from '@knewton-kit/platform-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const entry = (name: string) => resolve(import.meta.dirname, '..', name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `pnpm erase` / `pnpm backfill` without pnpm: the same entries, run by Node with tsx. */
async function run(main: string, env: Record<string, string>, args: string[]): Promise<Run> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', entry(main), ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('pnpm erase --users <file> (as a process, against the simulator as a separate server)', () => {
  let dir: string;
  let sim: PlatformSim;
  let listening: ListeningSim;
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kk-erase-'));
    sim = createPlatformSim();
    listening = await sim.listen({ port: 0 });
    env = {
      DATA_DIR: dir,
      KNEWTON_API_URL: listening.url,
      KNEWTON_API_KEY: sim.apiKey,
      KNEWTON_API_SECRET: sim.apiSecret,
      KNEWTON_SYSTEM_EXTERNAL_USER_ID: sim.systemExternalUserId,
      KNEWTON_PSEUDONYM_KEYS: 'v1:erase-test-pseudonym-key-0123456789abcdef',
      SESSION_SECRET: 'erase-test-session-secret-0123456789abcdef',
      ALLOWED_ORIGINS: 'https://app.example.com',
    };
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function storedRows(): Promise<{ accounts: number; pending: number; tombstones: number }> {
    const store = await createPgliteStore({ dataDir: join(dir, 'pglite') });
    try {
      const accounts = await store.db
        .selectFrom('knewton_accounts')
        .select('app_user_id')
        .execute();
      const tombstones = await store.db
        .selectFrom('knewton_erasures')
        .select('account_id')
        .execute();
      return {
        accounts: accounts.length,
        tombstones: tombstones.length,
        pending: tombstones.filter((t) => t.account_id !== null).length,
      };
    } finally {
      await store.close();
    }
  }

  it('erases every listed learner, reports bad lines by number, prints a summary; a rerun finds them erased', async () => {
    const users = Array.from({ length: 120 }, (_, i) => `learner-${i}`);
    const file = join(dir, 'users.txt');
    await writeFile(file, `${users.join('\n')}\n`);
    expect((await run('backfill/backfillMain.ts', env, ['--users', file])).code).toBe(0);
    expect(sim.stats().accounts).toBe(120);

    await writeFile(
      file,
      `${[...users.slice(0, 3), '', ...users.slice(3), 'stranger'].join('\n')}\n`,
    );
    const first = await run('erase/eraseMain.ts', env, ['--users', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /erase done: 122\/122 users: 120 erased, 0 already erased, 1 without an account, 1 refused, 0 failed/,
    );
    expect(first.stderr).toContain('line 4: refused: empty line');
    expect(first.stderr).toMatch(/erase: 122\/122 users \(100%\)/);
    expect(first.stdout + first.stderr).not.toContain('learner-42');
    expect(sim.stats().accounts).toBe(0);
    expect(sim.accounts().accounts.every((account) => account.deletedAt !== null)).toBe(true);
    expect(await storedRows()).toEqual({ accounts: 0, pending: 0, tombstones: 120 });

    const again = await run('erase/eraseMain.ts', env, ['--users', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 erased, 120 already erased, 1 without an account/);
    expect(sim.stats().calls['DELETE /v0/accounts/{id}']).toBe(120);
  }, 180_000);

  it('exits 1 with the failed lines when the platform is down; a rerun finishes them', async () => {
    const file = join(dir, 'users.txt');
    await writeFile(file, 'a-1\na-2\n');
    expect((await run('backfill/backfillMain.ts', env, ['--users', file])).code).toBe(0);
    sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const down = await run('erase/eraseMain.ts', env, ['--users', file]);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/0 erased, .* 2 failed/);
    expect(down.stderr).toMatch(/line 1: failed: Knewton/);
    sim.setFaults({});
    const rerun = await run('erase/eraseMain.ts', env, ['--users', file]);
    expect(rerun.code).toBe(0);
    expect(sim.stats().accounts).toBe(0);
    expect(await storedRows()).toMatchObject({ accounts: 0, pending: 0 });
  }, 180_000);

  it('refuses to start without --users, naming the flag', async () => {
    const bare = await run('erase/eraseMain.ts', env, []);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--users');
  }, 60_000);
});
