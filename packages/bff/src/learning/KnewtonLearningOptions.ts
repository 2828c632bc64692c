/** Learning features of `createKnewtonBff` (registrations and recommendations). */
export interface KnewtonLearningOptions {
  /**
   * The knowledge graph (`gref-…`) the app's learning instance teaches. The BFF creates that instance once
   * (on first use) and stores its id beside the account mappings.
   */
  graphId: string;
  /**
   * Name of the learning instance; a random tag is appended so a create whose answer was lost can be found
   * again among the partner's instances. Must not contain an email address. @default 'knewton-kit'
   */
  learningInstanceName?: string | undefined;
  /**
   * How old a learner's last recommendation may be and still be served when asking the platform again
   * would exceed its limit of 15 recommendation calls a minute per learner token; `0` serves none (429
   * `rate_limited` instead). @default 60000
   */
  recommendationCacheMs?: number | undefined;
  /**
   * Undelivered events the outbox holds at most (over all learners); beyond, `POST /events` answers 503
   * with `Retry-After` and stores nothing. @default 100000
   */
  maxPendingEvents?: number | undefined;
  /**
   * Undelivered events one learner may have in the outbox; beyond, that learner's `POST /events` answers
   * 429 `rate_limited` with `Retry-After` and stores nothing, and nobody else is affected. Below
   * `maxPendingEvents`, so one learner can never fill the outbox for everyone. @default 15000 (about two
   * minutes of what the platform lets one learner deliver: 15 calls of 500 events a minute), or half of
   * `maxPendingEvents` when that is smaller
   */
  maxPendingEventsPerLearner?: number | undefined;
  /**
   * The module ids (`mref-…`) of `graphId`, when the host knows them: `POST /events` then refuses an event
   * for any other module with 400 `bad_request` (stores nothing), since the platform would never take it.
   * The platform has no documented call listing a graph's modules. @default undefined (any `mref-…`)
   */
  moduleIds?: readonly string[] | undefined;
  /**
   * Pause of the delivery loop when the outbox is empty; after a platform failure it backs off from
   * there up to 30 times this (at most 30 s). @default 1000
   */
  deliveryIntervalMs?: number | undefined;
  /**
   * How long a delivered event's id is remembered, so that the same id sent again (a browser retrying
   * after a lost 202) is accepted and not stored or delivered twice; delivered events older than this
   * are pruned from the outbox. At most 30 days. @default 86400000 (24 h)
   */
  eventDedupWindowMs?: number | undefined;
  /**
   * Learners registered in one learning instance before the BFF creates the graph's next one (the
   * platform allows at most 500 registrations per instance). Lower only for tests. @default 500
   */
  registrationsPerInstance?: number | undefined;
}

export interface ResolvedLearningOptions {
  graphId: string;
  learningInstanceName: string;
  recommendationCacheMs: number;
  maxPendingEvents: number;
  maxPendingEventsPerLearner: number;
  /** `undefined`: any module id of the right shape. */
  moduleIds: ReadonlySet<string> | undefined;
  deliveryIntervalMs: number;
  eventDedupWindowMs: number;
  registrationsPerInstance: number;
}

/** Validates `learning` once, naming the option at fault; the platform's text fields hold 256 characters. */
export function validateLearningOptions(options: unknown): ResolvedLearningOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('`learning` must be an object such as { graphId: "gref-..." }');
  }
  const {
    graphId,
    learningInstanceName = 'knewton-kit',
    recommendationCacheMs = 60_000,
    maxPendingEvents = 100_000,
    maxPendingEventsPerLearner,
    moduleIds,
    deliveryIntervalMs = 1_000,
    eventDedupWindowMs = 86_400_000,
    registrationsPerInstance = 500,
    ...unknown
  } = options as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw new TypeError(`\`learning.${extra[0]}\` is not an option`);
  if (typeof graphId !== 'string' || !/^gref-[\x21-\x7e]{1,200}$/.test(graphId)) {
    throw new TypeError('`learning.graphId` must be a knowledge graph id such as "gref-…"');
  }
  if (
    typeof learningInstanceName !== 'string' ||
    learningInstanceName.trim() === '' ||
    learningInstanceName.length > 200 ||
    learningInstanceName.includes('@')
  ) {
    throw new TypeError(
      '`learning.learningInstanceName` must be a non-empty name of at most 200 characters, without "@"',
    );
  }
  if (
    !Number.isInteger(recommendationCacheMs) ||
    (recommendationCacheMs as number) < 0 ||
    (recommendationCacheMs as number) > 3_600_000
  ) {
    throw new TypeError('`learning.recommendationCacheMs` must be an integer from 0 to 3600000');
  }
  if (!Number.isSafeInteger(maxPendingEvents) || (maxPendingEvents as number) < 1) {
    throw new TypeError('`learning.maxPendingEvents` must be a positive integer');
  }
  const perLearner =
    maxPendingEventsPerLearner ??
    Math.max(1, Math.min(15_000, Math.floor((maxPendingEvents as number) / 2)));
  if (
    !Number.isSafeInteger(perLearner) ||
    (perLearner as number) < 1 ||
    ((perLearner as number) >= (maxPendingEvents as number) && (maxPendingEvents as number) > 1)
  ) {
    throw new TypeError(
      '`learning.maxPendingEventsPerLearner` must be a positive integer below `learning.maxPendingEvents`',
    );
  }
  if (
    moduleIds !== undefined &&
    (!Array.isArray(moduleIds) ||
      moduleIds.length === 0 ||
      !moduleIds.every((id) => typeof id === 'string' && /^mref-[\x21-\x7e]{1,250}$/.test(id)))
  ) {
    throw new TypeError('`learning.moduleIds` must be a non-empty array of module ids ("mref-…")');
  }
  if (
    !Number.isInteger(deliveryIntervalMs) ||
    (deliveryIntervalMs as number) < 1 ||
    (deliveryIntervalMs as number) > 60_000
  ) {
    throw new TypeError('`learning.deliveryIntervalMs` must be an integer from 1 to 60000');
  }
  if (
    !Number.isInteger(eventDedupWindowMs) ||
    (eventDedupWindowMs as number) < 1 ||
    (eventDedupWindowMs as number) > 2_592_000_000
  ) {
    throw new TypeError('`learning.eventDedupWindowMs` must be an integer from 1 to 2592000000');
  }
  if (
    !Number.isInteger(registrationsPerInstance) ||
    (registrationsPerInstance as number) < 1 ||
    (registrationsPerInstance as number) > 500
  ) {
    throw new TypeError('`learning.registrationsPerInstance` must be an integer from 1 to 500');
  }
  return {
    graphId,
    learningInstanceName,
    recommendationCacheMs: recommendationCacheMs as number,
    maxPendingEvents: maxPendingEvents as number,
    maxPendingEventsPerLearner: perLearner as number,
    moduleIds: moduleIds === undefined ? undefined : new Set(moduleIds as string[]),
    deliveryIntervalMs: deliveryIntervalMs as number,
    eventDedupWindowMs: eventDedupWindowMs as number,
    registrationsPerInstance: registrationsPerInstance as number,
  };
}
