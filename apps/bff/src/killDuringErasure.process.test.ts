import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createPgliteStore } from '@knewton-kit/bff';
import { createPlatformSim, type ListeningSim, type PlatformSim } from '@knewton-kit/platform-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import { sessionCookieName } from './demoSession.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainPath = resolve(import.meta.dirname, 'main.ts');
const learners = Number(process.env.ERASE_KILL_LEARNERS ?? 200);
const kills = Number(process.env.ERASE_KILL_COUNT ?? 10);
let child: ChildProcess | undefined;
let dataDir: string | undefined;
let sim: PlatformSim | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await sim?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `pnpm bff` against the simulator as its own server (which outlives every kill), on a free port. */
async function startBff(env: Record<string, string>): Promise<string> {
  const started = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', SIGN_IN_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  started.stderr?.resume();
  const lines = createInterface({ input: started.stdout as NodeJS.ReadableStream });
  return new Promise<string>((resolveUrl, reject) => {
    started.once('exit', (code) => reject(new Error(`the BFF exited early with ${code}`)));
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) resolveUrl(match[1]);
    });
  });
}

async function as(url: string, user: string, method: 'PUT' | 'DELETE'): Promise<number> {
  const signIn = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'X-CSRF': '1', 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId: user }),
  });
  const cookie = `${sessionCookieName}=${sessionCookieOf(signIn) ?? ''}`;
  const answer = await fetch(`${url}/api/knewton/account`, {
    method,
    headers: { 'X-CSRF': '1', Cookie: cookie },
  });
  await answer.body?.cancel();
  return answer.status;
}

/** Sends `signal` unless the process is gone already, and waits for its exit. */
async function exited(process: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (process.exitCode !== null || process.signalCode !== null) return;
  const exit = once(process, 'exit');
  process.kill(signal);
  await exit;
}

/** Runs `work` for each user, `width` at a time, until `stop()` says so. */
async function inParallel(
  users: string[],
  width: number,
  work: (user: string) => Promise<void>,
  stop: () => boolean,
) {
  const queue = [...users];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let user = queue.shift(); user !== undefined && !stop(); user = queue.shift())
        await work(user).catch(() => {});
    }),
  );
}

describe('pnpm bff killed with kill -9 again and again while learners are erased', () => {
  it(`erases ${learners} learners through ${kills} kills: all erased everywhere, none half-erased, then each re-provisioned once`, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kk-erase-kill-9-'));
    sim = createPlatformSim();
    const listening: ListeningSim = await sim.listen({ port: 0 });
    const env = {
      DATA_DIR: dataDir,
      KNEWTON_API_URL: listening.url,
      KNEWTON_API_KEY: sim.apiKey,
      KNEWTON_API_SECRET: sim.apiSecret,
      KNEWTON_SYSTEM_EXTERNAL_USER_ID: sim.systemExternalUserId,
      KNEWTON_PSEUDONYM_KEY: 'erase-kill-test-pseudonym-key-0123456789abcdef',
      SESSION_SECRET: 'erase-kill-test-session-secret-0123456789abcdef',
      ALLOWED_ORIGINS: 'https://app.example.com',
    };
    const users = Array.from({ length: learners }, (_, i) => `erase-kill-${i}`);
    let url = await startBff(env);
    await inParallel(
      users,
      20,
      async (user) => expect(await as(url, user, 'PUT')).toBe(201),
      () => false,
    );
    const original = new Set(sim.accounts().accounts.map((account) => account.id));
    expect(original.size).toBe(learners);

    // A slow platform, so every kill lands with DELETEs (and store transactions) in flight.
    sim.setFaults({ latencyMs: 40 });
    const left = new Set(users);
    const perRound = Math.ceil(learners / (kills + 1));
    for (let round = 0; round <= kills; round++) {
      if (round > 0) url = await startBff(env);
      let answered = 0;
      const killing = round < kills;
      await inParallel(
        [...left],
        10,
        async (user) => {
          const status = await as(url, user, 'DELETE');
          if (status === 204) left.delete(user);
          answered++;
          if (killing && answered === perRound) void exited(child as ChildProcess, 'SIGKILL');
        },
        () => killing && answered >= perRound,
      );
      if (killing) await exited(child as ChildProcess, 'SIGKILL');
    }
    // Users whose DELETE was cut by a kill were asked again in a later round: every one answered 204.
    expect([...left]).toEqual([]);
    await exited(child as ChildProcess, 'SIGTERM');

    const deleteCalls = sim.stats().calls['DELETE /v0/accounts/{id}'] ?? 0;
    const onPlatform = sim.accounts().accounts;
    const stillActive = onPlatform.filter((a) => original.has(a.id) && a.deletedAt === null);
    expect(stillActive).toEqual([]);
    const store = await createPgliteStore({ dataDir: join(dataDir, 'pglite') });
    try {
      const mapped = await store.db.selectFrom('knewton_accounts').select('app_user_id').execute();
      const recorded = await store.db
        .selectFrom('knewton_external_ids')
        .select('app_user_id')
        .execute();
      const tombstones = await store.db.selectFrom('knewton_erasures').selectAll().execute();
      expect(mapped).toEqual([]);
      expect(recorded).toEqual([]);
      expect(tombstones.filter((t) => t.account_id !== null)).toEqual([]);
      expect(tombstones).toHaveLength(learners);
      expect(tombstones.every((t) => t.generation === 1)).toBe(true);
    } finally {
      await store.close();
    }

    // Re-provisioning: one fresh account each, under a new external id.
    sim.setFaults({});
    url = await startBff(env);
    await inParallel(
      users,
      20,
      async (user) => expect(await as(url, user, 'PUT')).toBe(201),
      () => false,
    );
    const after = sim.accounts().accounts;
    expect(after).toHaveLength(2 * learners);
    expect(after.filter((a) => a.deletedAt === null)).toHaveLength(learners);
    expect(new Set(after.map((a) => a.externalUserId)).size).toBe(2 * learners);
    console.log(
      `erasure under kill -9: ${learners} learners, ${kills} kills, ${deleteCalls} DELETE calls, ${stillActive.length} left active, 0 pending tombstones, 0 rows left, ${after.length - learners} re-provisioned with new external ids`,
    );
  }, 600_000);
});
