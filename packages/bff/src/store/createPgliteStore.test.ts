import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isStoreUnavailableError, PgliteFolderInUseError } from '../errors.js';
import { createPgliteStore } from './createPgliteStore.js';

// The first open of a folder runs initdb: up to ten seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pglite-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const row = {
  appUserId: 'user-1',
  externalId: 'ext-1',
  keyVersion: 'v1',
  accountId: '00000000-0000-4000-8000-000000000001',
};

describe('createPgliteStore on a folder', () => {
  it('creates missing parents, refuses a second open in this process, and hands the folder on after close', async () => {
    const dataDir = join(root, 'missing', 'parents', 'pglite');
    const first = await createPgliteStore({ dataDir });
    await first.withUserLock('user-1', (tx) => tx.insert(row));

    const refusal = await createPgliteStore({ dataDir }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PgliteFolderInUseError);
    expect((refusal as Error).message).toContain(dataDir);
    expect((refusal as Error).message).toContain(
      `already open in this process (pid ${process.pid}`,
    );
    // The refused open did not disturb the owner.
    expect(await first.findByAppUserId('user-1')).toMatchObject(row);

    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const second = await createPgliteStore({ dataDir });
    expect(await second.findByAppUserId('user-1')).toMatchObject(row);
    await second.close();
  });

  it('says which path failed and why when a parent is not a folder', async () => {
    await writeFile(join(root, 'file'), 'not a folder');
    const failure = await createPgliteStore({ dataDir: join(root, 'file', 'pglite') }).catch(
      (error: unknown) => error,
    );
    expect(isStoreUnavailableError(failure)).toBe(true);
    expect((failure as Error).message).toMatch(
      new RegExp(`${join(root, 'file')}.* failed: (ENOTDIR|EEXIST): .*mkdir`),
    );
  });

  it('passes PGlite’s own failure on in the message, with the folder', async () => {
    const dataDir = join(root, 'not-a-folder');
    await writeFile(dataDir, 'a file where the database folder should be');
    const failure = await createPgliteStore({ dataDir }).catch((error: unknown) => error);
    expect(isStoreUnavailableError(failure)).toBe(true);
    const message = (failure as Error).message;
    expect(message).toContain(`Opening the PGlite account store in ${dataDir} failed: `);
    expect(message).toMatch(/failed: ErrnoError ENOTDIR/);
    // The lock of a failed open is released again.
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
