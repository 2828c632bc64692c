'use client';

import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import type { KnewtonAccountId } from '../KnewtonAccountId.js';
import { useKnewtonContext } from '../KnewtonProvider.js';
import { knewtonAccountQueryKey } from '../knewtonAccountQueryKey.js';
import { perQueryClient } from '../perQueryClient.js';
import { createKnewtonEventQueue, type KnewtonEventQueue } from './createKnewtonEventQueue.js';
import type { KnewtonLearningEvent } from './KnewtonLearningEvent.js';
import { knewtonRecommendationQueryKey } from './knewtonRecommendationQueryKey.js';

export interface UseKnewtonEventsResult {
  /**
   * Queues one event for the signed-in learner and returns the UUID it was given (once: every resend
   * carries it). Throws a `TypeError` naming the field for an invalid event, which is never queued.
   */
  send: (event: KnewtonLearningEvent) => string;
  /** Sends what is queued now instead of after the batch delay. */
  flush: () => void;
}

/**
 * When the recommendation is asked again after events were accepted. The BFF stores them at once but
 * delivers them to the platform in the background (usually within a second); the second refresh
 * covers a slower delivery. Two asks per accepted batch stay well inside the route's 15 a minute.
 */
const refreshAfterMs = [1_500, 6_000];

// Per user: every component of a page sends into one queue, so answers checked together go out in
// one batch, and a queue outlives the component that sent into it (a lesson page left right after
// its answers still delivers them).
const queuesOf = perQueryClient(() => new Map<string, KnewtonEventQueue>());

function queueFor(
  client: QueryClient,
  input: ReturnType<typeof useKnewtonContext>,
  userId: string,
): KnewtonEventQueue {
  const queues = queuesOf(client);
  let queue = queues.get(userId);
  if (!queue) {
    const key = knewtonRecommendationQueryKey(userId);
    let refreshes: ReturnType<typeof setTimeout>[] = [];
    queue = createKnewtonEventQueue({
      ...input,
      // The provider removes every account id on sign-out: this user's gone means signed out, and
      // the next session must not be credited with this user's answers.
      isSignedIn: () => client.getQueryData(knewtonAccountQueryKey(userId)) !== undefined,
      onAccepted() {
        // Debounced: a run of batches asks once (twice) after the last of them.
        for (const refresh of refreshes) clearTimeout(refresh);
        refreshes = refreshAfterMs.map((ms) =>
          setTimeout(() => client.invalidateQueries({ queryKey: key }), ms),
        );
      },
    });
    queues.set(userId, queue);
  }
  return queue;
}

/**
 * The signed-in learner's event sender (`POST {baseUrl}/events`). Takes the ready account's id, as
 * `useKnewtonAccount()` or `<KnewtonGate>` give it: events need an account, so calling it with a bare
 * string or a possibly missing id is a type error.
 *
 * `send()` returns at once; the kit batches (up to 100 events, after a 250 ms pause), retries a
 * failed batch with the same ids after `Retry-After` or a backoff up to 30 s, sends what is left with
 * `keepalive` when the page is hidden or closed, and refreshes `useKnewtonRecommendation()` after the
 * BFF accepted a batch.
 */
export function useKnewtonEvents(accountId: KnewtonAccountId): UseKnewtonEventsResult {
  const input = useKnewtonContext();
  const client = useQueryClient();
  const { userId } = input;
  // Only reachable with a ready account, so signed in; the check keeps a cast honest.
  if (userId === undefined || !accountId) {
    throw new Error('useKnewtonEvents() needs a ready account: call it inside <KnewtonGate>');
  }
  const queue = queueFor(client, input, userId);
  return { send: queue.send, flush: queue.flush };
}
