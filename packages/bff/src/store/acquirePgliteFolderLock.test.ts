import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPgliteFolderInUseError } from '../errors.js';
import { acquirePgliteFolderLock } from './acquirePgliteFolderLock.js';
import { readStartTicks } from './DataDirOwner.js';

let root: string;
let dataDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pglite-lock-'));
  dataDir = join(root, 'pglite');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeStaleLock(owner: Record<string, unknown>): Promise<void> {
  const lockPath = `${dataDir}.lock`;
  await mkdir(lockPath);
  await writeFile(join(lockPath, `owner-${owner.token as string}.json`), JSON.stringify(owner));
}

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
      host: hostname(),
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
