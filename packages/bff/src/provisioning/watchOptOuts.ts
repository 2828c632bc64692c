import type { Clock, ClockTimer } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AccountStore } from '../store/AccountStore.js';

export interface OptOutWatchOptions {
  store: AccountStore;
  clock: Clock;
  logger: Logger;
  /** Milliseconds between two looks at the store. */
  intervalMs: number;
  /** Called with the users who opted out recently (in any process), every time they are seen. */
  forget(appUserIds: readonly string[]): void;
}

/**
 * Several processes over one PostgreSQL: an opt-out made in another process must stop this one answering
 * the account it holds in memory. Every `intervalMs` it reads the opt-outs of the last few intervals (by
 * the database's clock, so process clocks never matter) and hands them to `forget`: a user is forgotten
 * several times over, so a lookup that raced one look is caught by the next. Creates, events and
 * recommendations do not depend on it: they check the store. A failed look is logged and retried.
 * Returns the function that stops it.
 */
export function watchOptOuts(options: OptOutWatchOptions): () => void {
  const { store, clock, logger, intervalMs, forget } = options;
  const windowMs = Math.max(10_000, intervalMs * 5);
  let timer: ClockTimer | undefined;
  let stopped = false;

  function schedule(): void {
    if (stopped) return;
    timer = clock.setTimeout(look, intervalMs);
    // A background chore: it never keeps the process alive.
    timer.unref?.();
  }

  function look(): void {
    store.findRecentOptOuts(windowMs).then(
      (appUserIds) => {
        if (!stopped && appUserIds.length > 0) forget(appUserIds);
        schedule();
      },
      (error: unknown) => {
        const cause = error instanceof Error ? { name: error.name, message: error.message } : error;
        logger.warn({ error: cause }, 'knewton opt-out watch could not read the store; retrying');
        schedule();
      },
    );
  }

  schedule();
  return () => {
    stopped = true;
    if (timer !== undefined) clock.clearTimeout(timer);
  };
}
