import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LockHolder, spawnLockHolder } from '../../test/support/spawnLockHolder.js';
import { isPgliteFolderInUseError, PgliteFolderInUseError } from '../errors.js';
import { acquirePgliteFolderLock } from './acquirePgliteFolderLock.js';
import { readStartTicks } from './DataDirOwner.js';

// Child processes load TypeScript through tsx: a second or two each on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

let root: string;
let dataDir: string;
const holders: LockHolder[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pglite-lock-'));
  dataDir = join(root, 'pglite');
});

afterEach(async () => {
  for (const holder of holders.splice(0)) holder.child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

function holder(): LockHolder {
  const spawned = spawnLockHolder(dataDir);
  holders.push(spawned);
  return spawned;
}

/** A pid that certainly ran on this host and is certainly gone. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  if (pid === undefined) throw new Error('could not spawn');
  return pid;
}

async function writeStaleLock(owner: Record<string, unknown>): Promise<void> {
  const lockPath = `${dataDir}.lock`;
  await mkdir(lockPath);
  await writeFile(join(lockPath, `owner-${owner.token as string}.json`), JSON.stringify(owner));
}

describe('acquirePgliteFolderLock across processes', () => {
  it('refuses a second process while the owner lives, naming folder and owner; takes over after kill -9', async () => {
    const owner = holder();
    await owner.ready;
    expect(await owner.go()).toBe('won');

    const refusal = await acquirePgliteFolderLock(dataDir).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PgliteFolderInUseError);
    const message = (refusal as Error).message;
    expect(message).toContain(dataDir);
    expect(message).toContain(`pid ${owner.child.pid}`);
    expect(message).toMatch(/on host \S+ since \d{4}-\d\d-\d\dT/);
    expect((refusal as PgliteFolderInUseError).owner?.pid).toBe(owner.child.pid);

    await owner.kill9();
    const lock = await acquirePgliteFolderLock(dataDir);
    expect(lock.lockPath).toBe(`${dataDir}.lock`);
    await lock.release();
  });

  it('lets a waiting contender process in only after the owner dies', async () => {
    const owner = holder();
    const contender = holder();
    await Promise.all([owner.ready, contender.ready]);
    expect(await owner.go()).toBe('won');
    expect(await contender.go()).toMatch(/^refused .*already open by pid/);
    await owner.kill9();
    const second = holder();
    await second.ready;
    expect(await second.go()).toBe('won');
  });

  it('is released when the owner exits normally without closing', async () => {
    const owner = holder();
    await owner.ready;
    expect(await owner.go()).toBe('won');
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    expect(await owner.exitNormally()).toBe(0);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it('gives a dead owner’s lock to exactly one of several racing processes', async () => {
    await writeStaleLock({
      pid: deadPid(),
      host: (await import('node:os')).hostname(),
      since: new Date().toISOString(),
      token: 'dead-owner',
    });
    const racers = [holder(), holder(), holder(), holder()];
    await Promise.all(racers.map((racer) => racer.ready));
    const answers = await Promise.all(racers.map((racer) => racer.go()));
    expect(answers.filter((answer) => answer === 'won')).toHaveLength(1);
    expect(answers.filter((answer) => answer.startsWith('refused'))).toHaveLength(3);
  });
});

describe('acquirePgliteFolderLock in one process', () => {
  it('refuses a second open in the same process until the first is released', async () => {
    const first = await acquirePgliteFolderLock(dataDir);
    const refusal = await acquirePgliteFolderLock(dataDir).catch((error: unknown) => error);
    expect(isPgliteFolderInUseError(refusal)).toBe(true);
    expect((refusal as Error).message).toContain(
      `already open in this process (pid ${process.pid}`,
    );
    // Another spelling of the same folder is the same folder.
    await expect(acquirePgliteFolderLock(`${root}/./pglite/`)).rejects.toThrow(/already open/);
    await first.release();
    const again = await acquirePgliteFolderLock(dataDir);
    await again.release();
    expect(await readdir(root)).toEqual([]);
  });

  it('creates missing parent folders', async () => {
    const deep = join(root, 'a', 'b', 'pglite');
    const lock = await acquirePgliteFolderLock(deep);
    expect(existsSync(`${deep}.lock`)).toBe(true);
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse)', async () => {
    const ticks = readStartTicks(process.pid);
    // Off Linux there is no start time to tell a reused pid by; such a lock is refused (safe side).
    if (ticks === undefined) return;
    await writeStaleLock({
      pid: process.pid,
      host: (await import('node:os')).hostname(),
      since: '2020-01-01T00:00:00.000Z',
      token: 'previous-run',
      startTicks: String(Number(ticks) - 1),
    });
    const lock = await acquirePgliteFolderLock(dataDir);
    await lock.release();
  });

  it('takes over an empty lock folder left by a contender killed mid-take-over', async () => {
    await mkdir(`${dataDir}.lock`);
    const lock = await acquirePgliteFolderLock(dataDir);
    await lock.release();
  });

  it('never takes over an owner on another host, and says how to clear it', async () => {
    await writeStaleLock({
      pid: 1,
      host: 'some-other-host.invalid',
      since: '2020-01-01T00:00:00.000Z',
      token: 'remote',
    });
    await expect(acquirePgliteFolderLock(dataDir)).rejects.toThrow(
      `owned by pid 1 on host some-other-host.invalid since 2020-01-01T00:00:00.000Z, which this host cannot check. If that process is gone, delete ${dataDir}.lock`,
    );
  });

  it('refuses, naming the lock to delete, when the owner record is not one', async () => {
    await writeStaleLock({ pid: 0, host: 'x', since: 'never', token: 'garbage' });
    await expect(acquirePgliteFolderLock(dataDir)).rejects.toThrow(
      `whose owner record is unreadable. If no process uses the folder, delete ${dataDir}.lock`,
    );
  });

  it('names the path and errno when the folder cannot be created', async () => {
    await writeFile(join(root, 'file'), 'not a folder');
    await expect(acquirePgliteFolderLock(join(root, 'file', 'pglite'))).rejects.toThrow(
      /Creating the parent folder .*file failed: (ENOTDIR|EEXIST): .*mkdir/,
    );
  });
});
