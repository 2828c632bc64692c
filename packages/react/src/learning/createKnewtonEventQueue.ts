import {
  bffPaths,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  checkEventsRequest,
  KNEWTON_BFF_BASE_PATH,
  type LearningEventInput,
  MAX_EVENTS_PER_REQUEST,
} from '@knewton-kit/contract';
import type { KnewtonClientOptions } from '../KnewtonClientOptions.js';
import { knewtonBackoff } from '../knewtonBackoff.js';
import { knewtonRequest } from '../knewtonRequest.js';
import { KnewtonEventsError } from './KnewtonEventsError.js';
import type { KnewtonLearningEvent } from './KnewtonLearningEvent.js';

/**
 * What the keepalive requests of one page exit may carry together: browsers refuse a `keepalive`
 * fetch once the bodies of all those in flight pass 64 KiB; a little is left for another library's.
 */
const keepaliveBudgetBytes = 60_000;
/** The longest pause between two attempts of a failed batch without `Retry-After`. */
const maxBackoffMs = 30_000;

export interface KnewtonEventQueueOptions extends KnewtonClientOptions {
  /** How long a new event waits for others to join its batch. @default 250 */
  batchDelayMs?: number | undefined;
  /** Called after every accepted batch (the recommendation refreshes). */
  onAccepted?: (() => void) | undefined;
  /** Called when the BFF refused a batch for good (401, 403, 404…): those events are dropped. */
  onRejected?: ((error: KnewtonEventsError, events: LearningEventInput[]) => void) | undefined;
  /**
   * Whether the learner these events belong to is still the signed-in one. Checked before every
   * request: the BFF takes the learner from the session cookie, so after a sign-out the queue's
   * events would be credited to whoever signs in next. When it says no, the queue is dropped.
   * @default always
   */
  isSignedIn?: (() => boolean) | undefined;
}

export interface KnewtonEventQueue {
  /** Queues one event and returns the id it was given; throws a `TypeError` for an invalid event. */
  send(event: KnewtonLearningEvent): string;
  /** Sends what is queued now, in batches, instead of after the batch delay. */
  flush(): void;
  /** Events not yet accepted by the BFF, oldest first. */
  pending(): readonly LearningEventInput[];
}

/**
 * The browser's outbox for one signed-in learner. Events are kept in memory, in order, until the BFF
 * answers `202`: batches of at most 100 (the route's limit) go out one at a time, a failed batch is
 * sent again with the same ids (the BFF counts an id it already stored as accepted and stores it
 * once) after `Retry-After` or a backoff, and when the page is hidden or left (`visibilitychange` to
 * hidden, `pagehide`) everything still unacknowledged goes out at once with `keepalive`, so closing
 * the tab right after an answer loses nothing. Written here rather than with a queue library: the
 * few rules that matter (same ids on every resend, the keepalive budget) are the whole of it.
 */
export function createKnewtonEventQueue(options: KnewtonEventQueueOptions): KnewtonEventQueue {
  const url = (options.baseUrl ?? KNEWTON_BFF_BASE_PATH) + bffPaths.events;
  let queued: LearningEventInput[] = [];
  /** Ids in a keepalive request still on its way: the next exit does not spend its budget on them. */
  const leaving = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending = false;
  let failures = 0;
  let listening = false;

  const acknowledge = (batch: LearningEventInput[]) => {
    const done = new Set(batch.map((event) => event.id));
    queued = queued.filter((event) => !done.has(event.id));
    if (!queued.length) listen(false);
    options.onAccepted?.();
  };

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  };

  /** Drops everything when the learner has signed out; true when the queue may send. */
  const mine = () => {
    if (options.isSignedIn?.() !== false) return true;
    queued = [];
    listen(false);
    return false;
  };

  async function flush() {
    clearTimeout(timer);
    if (sending || !queued.length || !mine()) return;
    sending = true;
    const batch = queued.slice(0, MAX_EVENTS_PER_REQUEST);
    try {
      await knewtonRequest(options, {
        method: 'POST',
        path: bffPaths.events,
        body: { events: batch },
        read: ({ status }) => status === 202 || undefined,
        Failure: KnewtonEventsError,
      });
      failures = 0;
      acknowledge(batch);
    } catch (error) {
      const failure = error as KnewtonEventsError;
      if (failure.retryable) {
        // Kept, with their ids, for the next attempt.
        failures++;
        schedule(knewtonBackoff(failures - 1, failure, maxBackoffMs));
        return;
      }
      // A 4xx will not pass by itself (signed out, no account): those events cannot be delivered.
      const refused = new Set(batch.map((event) => event.id));
      queued = queued.filter((event) => !refused.has(event.id));
      if (!queued.length) listen(false);
      options.onRejected?.(failure, batch);
    } finally {
      sending = false;
    }
    if (queued.length) flush();
  }

  /**
   * The page is being hidden or left: its timers may never fire again, and an ordinary fetch is
   * cancelled with the page. Plain `fetch` rather than the host's ky: a ky hook runs after a
   * microtask or more, and `keepalive` must start while the page is still there. The same ids as any
   * batch in flight, so the BFF stores each event once whichever request arrives.
   */
  function leave(event: Event) {
    if (event.type === 'visibilitychange' && document.visibilityState !== 'hidden') return;
    if (!mine()) return;
    let budget = keepaliveBudgetBytes;
    let batch: LearningEventInput[] = [];
    const post = () => {
      const events = batch;
      batch = [];
      for (const event of events) leaving.add(event.id);
      fetch(new URL(url, document.baseURI), {
        method: 'POST',
        keepalive: true,
        headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: CSRF_HEADER_VALUE },
        body: JSON.stringify({ events }),
      })
        .then((response) => {
          response.body?.cancel().catch(() => {});
          // The page came back (it was only hidden): what was accepted is done.
          if (response.status === 202) acknowledge(events);
        })
        // Over the browser's keepalive budget or no answer: still queued, sent again later.
        .catch(() => {})
        .finally(() => {
          for (const event of events) leaving.delete(event.id);
        });
    };
    for (const event of queued) {
      if (leaving.has(event.id)) continue;
      // Each event costs its JSON and a comma; the envelope `{"events":[]}` is counted once.
      const size = JSON.stringify(event).length + 1;
      if (budget - size < 16) break;
      budget -= size;
      batch.push(event);
      if (batch.length === MAX_EVENTS_PER_REQUEST) post();
    }
    if (batch.length) post();
  }

  // Only while something is queued: an idle queue keeps no listener on the page.
  function listen(on: boolean) {
    if (on === listening || typeof window === 'undefined') return;
    listening = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('pagehide', leave);
    document[method]('visibilitychange', leave);
  }

  return {
    send(event) {
      const full = {
        ...event,
        id: crypto.randomUUID(),
        interactionEndTime: event.interactionEndTime ?? new Date().toISOString(),
      } as LearningEventInput;
      // Checked one by one, here: one invalid event would make the BFF refuse its whole batch.
      const checked = checkEventsRequest({ events: [full] });
      if (!checked.ok) throw new TypeError(checked.message.replace('events[0]', 'event'));
      queued.push(full);
      listen(true);
      // While a failed batch waits out its backoff, a new event joins it rather than cutting it short.
      if (!sending && !failures) schedule(options.batchDelayMs ?? 250);
      return full.id;
    },
    flush: () => void flush(),
    pending: () => queued,
  };
}
