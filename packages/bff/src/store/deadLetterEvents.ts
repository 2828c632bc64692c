import type { Kysely } from 'kysely';
import type { AccountStore } from './AccountStore.js';
import { guardStore } from './accountQueries.js';
import type { EventOutboxDatabase } from './eventOutboxSchema.js';
import type { AccountDatabase } from './schema.js';

/** A learning event the platform refused for good, as `listDeadLetterEvents` gives it. */
export interface DeadLetterEvent {
  appUserId: string;
  /** The id the browser gave the event. */
  eventId: string;
  /** The platform's batch-event JSON that was refused. */
  payload: string;
  acceptedAt: Date;
  refusedAt: Date;
  /** The platform's HTTP status (400, 403, 404, 422, ...). */
  status: number;
  /** The start of the platform's answer body (at most 1,000 characters). */
  answer: string;
}

export interface DeadLetterFilter {
  /** Only this learner's events. */
  appUserId?: string;
  /** Only events refused before this time. */
  refusedBefore?: Date;
}

function tables(store: AccountStore): Kysely<AccountDatabase & EventOutboxDatabase> {
  return store.db.withTables<EventOutboxDatabase>();
}

/**
 * The dead letters (table `knewton_dead_letter_events`), oldest refusal first: events the platform
 * refused with a non-retryable answer, which delivery never sends again. For an operator to read, fix
 * the cause of and purge; nothing in the BFF reads them.
 */
export function listDeadLetterEvents(
  store: AccountStore,
  filter: DeadLetterFilter & { limit?: number } = {},
): Promise<DeadLetterEvent[]> {
  return guardStore('dead letter list', async () => {
    let query = tables(store)
      .selectFrom('knewton_dead_letter_events')
      .selectAll()
      .orderBy('refused_at')
      .orderBy('app_user_id')
      .orderBy('event_id')
      .limit(filter.limit ?? 1_000);
    if (filter.appUserId !== undefined) query = query.where('app_user_id', '=', filter.appUserId);
    if (filter.refusedBefore !== undefined)
      query = query.where('refused_at', '<', filter.refusedBefore);
    const rows = await query.execute();
    return rows.map((row) => ({
      appUserId: row.app_user_id,
      eventId: row.event_id,
      payload: row.payload,
      acceptedAt: new Date(row.accepted_at),
      refusedAt: new Date(row.refused_at),
      status: row.status,
      answer: row.answer,
    }));
  });
}

/** Deletes the dead letters the filter selects (every one without a filter); the number deleted. */
export function purgeDeadLetterEvents(
  store: AccountStore,
  filter: DeadLetterFilter = {},
): Promise<number> {
  return guardStore('dead letter purge', async () => {
    let query = tables(store).deleteFrom('knewton_dead_letter_events');
    if (filter.appUserId !== undefined) query = query.where('app_user_id', '=', filter.appUserId);
    if (filter.refusedBefore !== undefined)
      query = query.where('refused_at', '<', filter.refusedBefore);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
