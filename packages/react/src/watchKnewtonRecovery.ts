import { focusManager, onlineManager, type QueryClient } from '@tanstack/react-query';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { fetchKnewtonAccount } from './fetchKnewtonAccount.js';
import type { KnewtonClientOptions } from './KnewtonClientOptions.js';
import { knewtonAccountQueryKey } from './knewtonAccountQueryKey.js';
import { knewtonRetryDelay } from './knewtonRetry.js';

interface Recovery {
  watchers: number;
  /** One attempt now, unless one is on its way. */
  attempt: () => Promise<void>;
  stop: () => void;
}

// Per QueryClient and user, so however many gates watch one failed account, one timer asks for it.
const recoveriesByClient = new WeakMap<QueryClient, Map<string, Recovery>>();

/**
 * Asks `retry()`'s attempt of the recovery for `userId`'s account, if a gate watches it.
 */
export function retryKnewtonAccount(client: QueryClient, userId: string): void {
  recoveriesByClient.get(client)?.get(userId)?.attempt();
}

/**
 * The kit's recovery after the last failed attempt, written here rather than left to TanStack Query:
 * its refetch of a query without data goes back to `pending` (the gate would flicker) and its retry
 * waits cannot be cut short. While the account is in the error state and someone watches it, this
 * keeps asking in the background: after `Retry-After` or a backoff up to 10 s for retryable failures,
 * not while the page is hidden or the browser offline, and at once when the page becomes visible or
 * the browser comes back online. Each failure replaces the error on screen (the state stays `error`);
 * success fills the cache, so every gate opens. Returns the function that stops watching; the
 * recovery ends with its last watcher.
 */
export function watchKnewtonRecovery(
  client: QueryClient,
  options: KnewtonClientOptions,
  userId: string,
): () => void {
  const recoveries = recoveriesByClient.get(client) ?? new Map<string, Recovery>();
  recoveriesByClient.set(client, recoveries);
  let recovery = recoveries.get(userId);
  if (!recovery) {
    recovery = startRecovery(client, options, userId, () => recoveries.delete(userId));
    recoveries.set(userId, recovery);
  }
  const watched = recovery;
  watched.watchers++;
  return () => {
    if (--watched.watchers === 0) watched.stop();
  };
}

function startRecovery(
  client: QueryClient,
  options: KnewtonClientOptions,
  userId: string,
  forget: () => void,
): Recovery {
  const key = knewtonAccountQueryKey(userId);
  const query = client
    .getQueryCache()
    .find<string, KnewtonAccountError>({ queryKey: key, exact: true });
  let failures = query?.state.fetchFailureCount ?? 1;
  let lastError = query?.state.error ?? undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempting = false;
  let stopped = false;

  const attempt = async () => {
    clearTimeout(timer);
    if (stopped || attempting) return;
    attempting = true;
    try {
      const accountId = await fetchKnewtonAccount(options, userId, client);
      if (!stopped) client.setQueryData(key, accountId);
      stop();
    } catch (error) {
      failures++;
      lastError = error as KnewtonAccountError;
      if (!stopped) query?.setState({ error: lastError, errorUpdatedAt: Date.now() });
      schedule();
    } finally {
      attempting = false;
    }
  };
  // Only failures that may pass by themselves are retried unasked; `retry()` tries any.
  const attemptIfRetryable = () => {
    if (lastError?.retryable && focusManager.isFocused() && onlineManager.isOnline()) attempt();
  };
  const schedule = () => {
    if (!stopped && lastError?.retryable) {
      // A timer that fires while the page is hidden or offline does nothing; the listeners below
      // make the attempt when that ends.
      timer = setTimeout(attemptIfRetryable, knewtonRetryDelay(failures, lastError));
    }
  };
  const unsubscribeFocus = focusManager.subscribe((focused) => focused && attemptIfRetryable());
  const unsubscribeOnline = onlineManager.subscribe((online) => online && attemptIfRetryable());
  function stop() {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    unsubscribeFocus();
    unsubscribeOnline();
    forget();
  }
  schedule();
  return { watchers: 0, attempt, stop };
}
