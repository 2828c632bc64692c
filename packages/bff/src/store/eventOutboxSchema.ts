import type { ColumnType, Generated } from 'kysely';

/**
 * One accepted learning event. `seq` orders a learner's events; `payload` is the platform's batch-event
 * JSON; `delivered_at` is set once the platform accepted it (delivered rows stay for the dedup window, so
 * a resent event id is still recognised, then the delivery loop prunes them). Unique per (app user,
 * event id): accepting an id twice within the window stores it once.
 */
export interface KnewtonLearningEventTable {
  seq: Generated<string>;
  app_user_id: string;
  event_id: string;
  payload: string;
  accepted_at: ColumnType<Date, Date | undefined, never>;
  delivered_at: Date | null;
}

/**
 * Which claim delivers a learner's events until `lease_until` (database time); expired leases are taken
 * over. `owner` is the claim's fencing token (`<process uuid>:<claim number>`), new for every claim.
 */
export interface KnewtonEventLeaseTable {
  app_user_id: string;
  owner: string;
  lease_until: Date;
}

/**
 * An event the platform refused for good (a 4xx other than 401/429 for it alone, or for its learner's
 * registration): kept with the platform's status and answer (the start of its body), never resent, until
 * the host purges it. Keyed like the outbox, by (app user, event id), so erasing a learner deletes theirs.
 */
export interface KnewtonDeadLetterEventTable {
  app_user_id: string;
  event_id: string;
  payload: string;
  accepted_at: Date;
  refused_at: ColumnType<Date, Date | undefined, never>;
  status: number;
  answer: string;
}

// A type alias, not an interface: Kysely's `withTables` wants an index-signature-compatible shape.
export type EventOutboxDatabase = {
  knewton_learning_events: KnewtonLearningEventTable;
  knewton_event_leases: KnewtonEventLeaseTable;
  knewton_dead_letter_events: KnewtonDeadLetterEventTable;
};
