import { randomUUID } from 'node:crypto';
import { readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import {
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  rmdir,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PgliteFolderInUseError, StoreUnavailableError } from '../errors.js';
import { type DataDirOwner, describeOwner, ownerLiveness, readStartTicks } from './DataDirOwner.js';
import { describeCause } from './describeCause.js';

/** A held PGlite folder; `release` gives it up (also done on a normal process exit). */
export interface PgliteFolderLock {
  /** The folder, as an absolute path without symbolic links. */
  readonly dataDir: string;
  /** The lock folder beside it: `<dataDir>.lock`. */
  readonly lockPath: string;
  release(): Promise<void>;
}

const ownerFilePrefix = 'owner-';
/** Take-overs in a row before giving up: each one means another contender won a race, so a few suffice. */
const maxAttempts = 20;

/** Locks held by this process, released synchronously if it exits without closing its stores. */
const heldLocks = new Map<string, { lockPath: string; ownerFile: string }>();
let exitHookInstalled = false;

/**
 * Takes the single ownership of a PGlite folder, across processes and within this one.
 *
 * Not proper-lockfile: it judges staleness by an mtime refreshed on a timer, so an owner stuck in WASM
 * would lose the lock while alive. Here the owner's liveness decides (same host, `kill(pid, 0)`, the Linux
 * start time): a killed owner is taken over at once, a live one or one on another host never.
 *
 * The lock is the folder `<dataDir>.lock` holding `owner-<token>.json`, built under a private name and
 * `rename`d into place (which fails on a non-empty folder), so it only appears whole. A take-over unlinks
 * exactly the dead owner's file (only one contender can), then the folder; an empty folder left by a
 * contender killed in between is replaced by the next `rename`.
 */
export async function acquirePgliteFolderLock(dataDir: string): Promise<PgliteFolderLock> {
  const canonical = await canonicalFolder(dataDir);
  const lockPath = `${canonical}.lock`;
  const owner: DataDirOwner = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
    ...optionalStartTicks(),
  };
  const ownerFile = `${ownerFilePrefix}${owner.token}.json`;
  const staging = `${lockPath}-${owner.token}.staging`;
  await fsStep(`preparing the lock ${staging}`, async () => {
    await mkdir(staging);
    await writeFile(join(staging, ownerFile), JSON.stringify(owner), { flag: 'wx' });
  });
  try {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      try {
        await rename(staging, lockPath);
        hold(canonical, lockPath, ownerFile);
        return { dataDir: canonical, lockPath, release: () => release(canonical) };
      } catch (error) {
        if (!isCode(error, 'ENOTEMPTY', 'EEXIST', 'EPERM')) {
          throw storeError(`Taking the lock ${lockPath} failed`, error);
        }
      }
      const current = await readOwner(lockPath);
      if (current === 'empty') continue;
      if (current === 'unreadable') throw inUse(canonical, lockPath, undefined);
      const liveness = ownerLiveness(current.owner);
      if (liveness !== 'dead') throw inUse(canonical, lockPath, current.owner, liveness);
      await takeOver(lockPath, current.file);
    }
    throw new StoreUnavailableError(
      `Taking the lock ${lockPath} failed: ${maxAttempts} take-overs in a row lost to other processes`,
    );
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The absolute path of the folder with symbolic links resolved, so two spellings share one lock. */
async function canonicalFolder(dataDir: string): Promise<string> {
  const absolute = resolve(dataDir);
  const parent = dirname(absolute);
  await fsStep(`creating the parent folder ${parent}`, () => mkdir(parent, { recursive: true }));
  try {
    return await realpath(absolute);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw storeError(`Resolving ${absolute} failed`, error);
    return join(await fsStep(`resolving ${parent}`, () => realpath(parent)), basename(absolute));
  }
}

function optionalStartTicks(): { startTicks?: string } {
  const startTicks = readStartTicks(process.pid);
  return startTicks === undefined ? {} : { startTicks };
}

type ReadOwner = { file: string; owner: DataDirOwner } | 'empty' | 'unreadable';

async function readOwner(lockPath: string): Promise<ReadOwner> {
  let names: string[];
  try {
    names = await readdir(lockPath);
  } catch (error) {
    // Gone between our rename and now: the owner released it. Not a folder: someone else's file.
    if (isCode(error, 'ENOENT')) return 'empty';
    if (isCode(error, 'ENOTDIR')) return 'unreadable';
    throw storeError(`Reading the lock ${lockPath} failed`, error);
  }
  const file = names.find((name) => name.startsWith(ownerFilePrefix));
  if (file === undefined) return names.length === 0 ? 'empty' : 'unreadable';
  try {
    const owner = JSON.parse(await readFile(join(lockPath, file), 'utf8')) as DataDirOwner;
    // A pid of 0 or below would make `kill(pid, 0)` probe a whole process group: not an owner record.
    if (!Number.isInteger(owner.pid) || owner.pid <= 0 || typeof owner.host !== 'string') {
      return 'unreadable';
    }
    return { file, owner };
  } catch (error) {
    if (isCode(error, 'ENOENT')) return 'empty';
    return 'unreadable';
  }
}

async function takeOver(lockPath: string, deadOwnerFile: string): Promise<void> {
  try {
    await unlink(join(lockPath, deadOwnerFile));
  } catch (error) {
    // Another contender removed it first; whoever renames next wins.
    if (isCode(error, 'ENOENT')) return;
    throw storeError(`Taking over the lock ${lockPath} from a dead owner failed`, error);
  }
  try {
    await rmdir(lockPath);
  } catch (error) {
    if (!isCode(error, 'ENOENT', 'ENOTEMPTY', 'EEXIST')) {
      throw storeError(`Taking over the lock ${lockPath} from a dead owner failed`, error);
    }
  }
}

function hold(dataDir: string, lockPath: string, ownerFile: string): void {
  heldLocks.set(dataDir, { lockPath, ownerFile });
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // `exit` handlers must be synchronous. A kill -9 or a fatal signal skips this; the next open then
  // finds the owner dead and takes over.
  process.once('exit', () => {
    for (const dataDir of heldLocks.keys()) releaseSync(dataDir);
  });
}

async function release(dataDir: string): Promise<void> {
  const held = heldLocks.get(dataDir);
  if (held === undefined) return;
  heldLocks.delete(dataDir);
  try {
    await unlink(join(held.lockPath, held.ownerFile));
  } catch (error) {
    if (isCode(error, 'ENOENT')) return; // not ours any more: leave whatever is there alone
    throw storeError(`Releasing the lock ${held.lockPath} failed`, error);
  }
  await rmdir(held.lockPath).catch(() => undefined); // a new owner may already have renamed in
}

function releaseSync(dataDir: string): void {
  const held = heldLocks.get(dataDir);
  if (held === undefined) return;
  heldLocks.delete(dataDir);
  try {
    unlinkSync(join(held.lockPath, held.ownerFile));
    if (readdirSync(held.lockPath).length === 0) rmdirSync(held.lockPath);
  } catch {
    // Exiting anyway; a leftover lock of a dead pid is taken over by the next open.
  }
}

function inUse(
  dataDir: string,
  lockPath: string,
  owner: DataDirOwner | undefined,
  liveness?: 'alive' | 'unknown',
): PgliteFolderInUseError {
  const reported = owner && { pid: owner.pid, host: owner.host, since: owner.since };
  let message: string;
  if (owner === undefined) {
    message = `The PGlite folder ${dataDir} is locked by ${lockPath}, whose owner record is unreadable. If no process uses the folder, delete ${lockPath}.`;
  } else if (liveness === 'unknown') {
    message = `The PGlite folder ${dataDir} is owned by ${describeOwner(owner)}, which this host cannot check. If that process is gone, delete ${lockPath}; several processes or machines need PostgreSQL (createPostgresStore).`;
  } else if (owner.pid === process.pid) {
    message = `The PGlite folder ${dataDir} is already open in this process (${describeOwner(owner)}). Close the first store or share it (keep it on globalThis when a framework evaluates the module twice); a second PGlite on one folder would corrupt it.`;
  } else {
    message = `The PGlite folder ${dataDir} is already open by ${describeOwner(owner)}. Stop that process first; several processes need PostgreSQL (createPostgresStore).`;
  }
  return new PgliteFolderInUseError(message, { dataDir, lockPath, owner: reported });
}

function storeError(what: string, cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`${what}: ${describeCause(cause)}`, { cause });
}

async function fsStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw storeError(`${what[0]?.toUpperCase()}${what.slice(1)} failed`, error);
  }
}

function isCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && codes.includes(code);
}
