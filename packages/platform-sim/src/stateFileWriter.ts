import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface StateFileWriter {
  /**
   * Resolves once `file` holds the state as it is now (or later). Callers arriving while a write is
   * in flight share the next one, so a burst of N changes costs about two writes, not N.
   */
  persist(): Promise<void>;
}

/**
 * Keeps `file` equal to `serialize()`. Each write goes to a temporary file beside it, is synced, then
 * renamed over it, so a crash at any moment leaves either the old or the new state, never half of one.
 * Unchanged text is not written again.
 *
 * Why not an append log: the state is small (a dev simulator holds thousands of accounts, not
 * millions), a whole-file rewrite needs no compaction or replay, and group commit (one write serves
 * every change made before it started) keeps the cost per change low under load.
 */
export function createStateFileWriter(
  file: string,
  serialize: () => string,
  lastWritten: string | undefined,
): StateFileWriter {
  let writing: Promise<void> = Promise.resolve();
  // A write that is queued behind the one in flight and has not taken its snapshot yet.
  let queued: Promise<void> | undefined;
  let written = lastWritten;

  async function writeIfChanged(): Promise<void> {
    const text = serialize();
    if (text === written) return;
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new Error(`could not write the state file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    written = text;
  }

  return {
    persist() {
      if (queued) return queued;
      // Writes run one after another, so an older snapshot can never land after a newer one; the
      // snapshot is taken when the write starts, so it includes every change made until then.
      const next = writing
        .catch(() => {})
        .then(() => {
          queued = undefined;
          return writeIfChanged();
        });
      queued = next;
      writing = next;
      return next;
    },
  };
}
