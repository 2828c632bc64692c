import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** How long after a change the state file is written, so a burst of changes costs one write. */
export const STATE_WRITE_DELAY_MS = 100;

export interface StateFileWriter {
  /** Something may have changed: write within `STATE_WRITE_DELAY_MS` (at most one write per burst). */
  schedule(): void;
  /** Writes now if anything changed since the last write, after any write in flight. */
  flush(): Promise<void>;
}

/**
 * Keeps `file` equal to `serialize()`. Each write goes to a temporary file beside it, is synced, then
 * renamed over it, so a crash at any moment leaves either the old or the new state, never half of one.
 * Unchanged text is not written again.
 */
export function createStateFileWriter(
  file: string,
  serialize: () => string,
  lastWritten: string | undefined,
): StateFileWriter {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
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
      throw error;
    }
    written = text;
  }

  // Writes run one after another, so an older snapshot can never land after a newer one.
  function write(): Promise<void> {
    const next = writing.catch(() => {}).then(writeIfChanged);
    writing = next;
    return next;
  }

  return {
    schedule() {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        write().catch((error: unknown) => {
          console.error(
            `platform-sim: could not write the state file ${file}: ${(error as Error).message}`,
          );
        });
      }, STATE_WRITE_DELAY_MS);
      // A pending write must not keep a process alive; `close()` flushes it.
      timer.unref();
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      return write();
    },
  };
}
