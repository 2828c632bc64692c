import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { StoreUnavailableError } from '../errors.js';
import type { AccountStore } from './AccountStore.js';
import { acquirePgliteFolderLock } from './acquirePgliteFolderLock.js';
import { describeCause } from './describeCause.js';
import { initialisePgliteFolder } from './initialisePgliteFolder.js';
import { openPgliteStore } from './openPgliteStore.js';

/**
 * PGlite's own start parameters plus a 16 MB buffer cache instead of PostgreSQL's 128 MB: PGlite touches
 * all of it when it starts, so it is resident from the first second (about 110 MiB of the process's
 * memory). The store's working set is one narrow table and its index, the warm path answers from the
 * provisioner's cache, and a page outside the buffers is a read from the operating system's file cache.
 */
const pgliteStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

export interface PgliteStoreOptions {
  /**
   * Folder holding the database, created (with its parents) if missing. One process owns it at a time:
   * the lock `<dataDir>.lock` beside it refuses a second open, here or elsewhere, until `close()` or
   * the owner's exit or death. @default undefined (in memory, lost on close)
   */
  dataDir?: string | undefined;
}

/**
 * Opens the embedded store (PGlite, WASM PostgreSQL) and migrates it. The default store: no server needed.
 * A PGlite folder has exactly one owner: a second open of the same folder, from another process or this
 * one, is refused with a `PgliteFolderInUseError` naming the owner, before PGlite touches the files (two
 * PGlite instances on one folder corrupt it). Several processes need `createPostgresStore`.
 */
export async function createPgliteStore(options: PgliteStoreOptions = {}): Promise<AccountStore> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`options` must be an object');
  const { dataDir } = options;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.trim() === '')) {
    throw new TypeError('`dataDir` must be a non-empty path when given');
  }
  const lock = dataDir === undefined ? undefined : await acquirePgliteFolderLock(dataDir);
  const where = lock === undefined ? 'in memory' : `in ${lock.dataDir}`;
  let pglite: PGlite | undefined;
  try {
    if (
      lock !== undefined &&
      !existsSync(join(lock.dataDir, 'PG_VERSION')) &&
      !(await initialisePgliteFolder(lock.dataDir))
    ) {
      // Bundled (no PGlite file for a child to load): initdb here, then reopen, which at least drops
      // the initialising instance's buffers (the process keeps more memory than with a child).
      const initialising = new PGlite(lock.dataDir);
      await initialising.waitReady;
      await initialising.close();
    }
    pglite =
      lock === undefined
        ? new PGlite({ startParams: pgliteStartParams })
        : new PGlite(lock.dataDir, { startParams: pgliteStartParams });
    await pglite.waitReady;
    return await openPgliteStore(pglite, { ownsInstance: true, lock });
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    await lock?.release().catch(() => undefined);
    throw new StoreUnavailableError(
      `Opening the PGlite account store ${where} failed: ${describeCause(error)}`,
      { cause: error },
    );
  }
}
