import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LockHolder, spawnLockHolder } from '../../test/support/spawnLockHolder.js';
import { PgliteFolderInUseError } from '../errors.js';
import { acquirePgliteFolderLock } from './acquirePgliteFolderLock.js';

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

async function writeStaleLock(owner: Record<string, unknown>): Promise<void> {
  const lockPath = `${dataDir}.lock`;
  await mkdir(lockPath);
  await writeFile(join(lockPath, `owner-${owner.token as string}.json`), JSON.stringify(owner));
}

/** A pid that certainly ran on this host and is certainly gone. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  if (pid === undefined) throw new Error('could not spawn');
  return pid;
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
      host: hostname(),
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
