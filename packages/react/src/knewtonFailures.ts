import { hashKey, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { KnewtonError } from './errors/KnewtonError.js';
import { knewtonQueryKeyPrefix } from './knewtonAccountQueryKey.js';
import { perQueryClient } from './perQueryClient.js';

/** The failures on screen for the kit's queries of one QueryClient; hooks subscribe to it. */
export interface KnewtonFailures {
  /**
   * The failure to show for the query under `queryKey`: its error once it reached the error state,
   * then each later failure, until the query is removed. TanStack Query resets a query without data
   * to `pending` with no error while it asks again; the kit keeps showing the failure instead.
   */
  get(queryKey: QueryKey): KnewtonError | undefined;
  /** Calls `listener` whenever a failure on screen changes. */
  subscribe(listener: () => void): () => void;
}

/** The failure store of `client`, fed by its QueryCache (`QueryCache.subscribe`, a public API). */
export const knewtonFailures = perQueryClient((client: QueryClient): KnewtonFailures => {
  const shown = new Map<string, KnewtonError>();
  // An error a cancelled fetch puts back is older than the one on screen: it never returns.
  const seen = new WeakSet<KnewtonError>();
  const listeners = new Set<() => void>();
  client.getQueryCache().subscribe(({ type, query }) => {
    if (query.queryKey[0] !== knewtonQueryKeyPrefix[0]) return;
    const hash = query.queryHash;
    const before = shown.get(hash);
    if (type === 'removed') shown.delete(hash);
    if (type === 'updated') {
      const { status, error, fetchFailureReason } = query.state;
      // Failures before the error state are retries the person does not see.
      const latest = (status === 'error' ? error : before && fetchFailureReason) as KnewtonError;
      if (latest && !seen.has(latest)) {
        seen.add(latest);
        shown.set(hash, latest);
      }
    }
    if (shown.get(hash) !== before) for (const listener of listeners) listener();
  });
  return {
    get(queryKey) {
      // A query that failed before anyone subscribed (a loader's prefetch, a test's pinned state).
      const state = client.getQueryState<unknown, KnewtonError>(queryKey);
      return (
        shown.get(hashKey(queryKey)) ??
        (state?.status === 'error' ? state.error : undefined) ??
        undefined
      );
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
});
