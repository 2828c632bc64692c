import { focusManager, onlineManager, type QueryClient } from '@tanstack/react-query';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { knewtonFailures } from './knewtonFailures.js';
import { accountRetryDelay } from './knewtonRetry.js';
import { perQueryClient } from './perQueryClient.js';

interface Recovery {
  watchers: number;
  stop: () => void;
}

// Per user, so however many gates watch one failed account, one timer asks for it.
const recoveriesOf = perQueryClient(() => new Map<string, Recovery>());

/** Asks for `userId`'s account now (`refetchQueries`: joins a request already on its way). */
export function retryKnewtonAccount(client: QueryClient, userId: string): void {
  void client.refetchQueries({ queryKey: knewtonAccountQueryKey(userId), exact: true });
}

/**
 * The kit's recovery after the last failed attempt. While the account is in the error state and a
 * gate watches it, it asks again through TanStack Query (`refetchQueries`) after `Retry-After` or a
 * back-off up to 10 s, for failures that may pass by themselves; not while the page is hidden or the
 * browser offline, and at once when that ends (`focusManager`, `onlineManager`). Each failure
 * replaces the one on screen; success fills the cache and every gate opens. Returns the function
 * that stops watching; the recovery ends with its last watcher.
 */
export function watchKnewtonRecovery(client: QueryClient, userId: string): () => void {
  const recoveries = recoveriesOf(client);
  let recovery = recoveries.get(userId);
  if (!recovery) {
    recovery = startRecovery(client, userId, () => recoveries.delete(userId));
    recoveries.set(userId, recovery);
  }
  const watched = recovery;
  watched.watchers++;
  return () => {
    if (--watched.watchers === 0) watched.stop();
  };
}

function startRecovery(client: QueryClient, userId: string, forget: () => void): Recovery {
  const queryKey = knewtonAccountQueryKey(userId);
  const failures = knewtonFailures(client);
  let failed = client.getQueryState(queryKey)?.fetchFailureCount ?? 1;
  let error = failures.get(queryKey) as KnewtonAccountError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const attemptIfRetryable = () => {
    if (error?.retryable && focusManager.isFocused() && onlineManager.isOnline()) {
      retryKnewtonAccount(client, userId);
    }
  };
  // A timer that fires while the page is hidden or offline does nothing; the listeners make the
  // attempt when that ends.
  const schedule = () => {
    clearTimeout(timer);
    if (error?.retryable) timer = setTimeout(attemptIfRetryable, accountRetryDelay(failed, error));
  };
  const unsubscribeFailures = failures.subscribe(() => {
    const latest = failures.get(queryKey) as KnewtonAccountError | undefined;
    if (latest && latest !== error) {
      error = latest;
      failed++;
      schedule();
    }
  });
  const unsubscribeFocus = focusManager.subscribe((focused) => focused && attemptIfRetryable());
  const unsubscribeOnline = onlineManager.subscribe((online) => online && attemptIfRetryable());
  schedule();
  return {
    watchers: 0,
    stop() {
      clearTimeout(timer);
      unsubscribeFailures();
      unsubscribeFocus();
      unsubscribeOnline();
      forget();
    },
  };
}
