/** Longest app user id accepted (the provisioner's own bound). */
export const maxAppUserIdLength = 512;

export interface UserLineOptions {
  /** App user ids in order, e.g. the lines of a file; line numbers count from 1. */
  users: Iterable<string> | AsyncIterable<string>;
  /** Users worked on at once. */
  concurrency: number;
  /** Stops reading further users; those in flight finish. */
  signal?: AbortSignal | undefined;
  /** A line that cannot be an app user id (empty, too long): skipped, with the reason. */
  onBadLine(line: number, reason: string): void;
  /** The work for one user; must not reject (count its failure itself). */
  run(appUserId: string, line: number): Promise<void>;
}

/**
 * The driver of the bulk commands (`backfillAccounts`, `eraseAccounts`): reads the users one line at a
 * time (a file of millions is never held whole), refuses lines that cannot be an app user id, and keeps
 * `concurrency` users in flight, refilled as each settles. Resolves `true` when `signal` stopped it before
 * every user was read.
 */
export async function forEachUserLine(options: UserLineOptions): Promise<boolean> {
  const { users, concurrency, signal, onBadLine, run } = options;
  const running = new Set<Promise<void>>();
  let line = 0;
  let interrupted = false;
  for await (const raw of users as AsyncIterable<string>) {
    if (signal?.aborted) {
      interrupted = true;
      break;
    }
    line++;
    const appUserId = typeof raw === 'string' ? raw.replace(/\r$/, '') : '';
    const badLine =
      appUserId.trim() === ''
        ? 'empty line'
        : appUserId.length > maxAppUserIdLength
          ? `longer than ${maxAppUserIdLength} characters`
          : undefined;
    if (badLine) {
      onBadLine(line, badLine);
      continue;
    }
    const task = run(appUserId, line).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= concurrency) await Promise.race(running);
  }
  await Promise.all(running);
  return interrupted || signal?.aborted === true;
}

/** Checks the options the bulk commands share; throws a `TypeError` naming the one at fault. */
export function checkBulkOptions(options: { users: unknown; concurrency: unknown }): void {
  const { users, concurrency } = options;
  if (
    users === null ||
    typeof users !== 'object' ||
    !(Symbol.iterator in users || Symbol.asyncIterator in users)
  )
    throw new TypeError('`users` must be an iterable of app user ids');
  if (!Number.isInteger(concurrency) || (concurrency as number) < 1)
    throw new TypeError('`concurrency` must be a positive integer');
}
