/** Events one `POST /events` request may carry. */
export const MAX_EVENTS_PER_REQUEST = 100;

export type LearningEventType = 'graded' | 'ungraded';

/** One learning event as the browser sends it; the BFF delivers it to the platform unchanged in meaning. */
export interface LearningEventInput {
  /** Made by the client (a UUID), so a resend after a lost answer is recognised and not delivered twice. */
  id: string;
  /** `graded`: an answer that was checked (`isCorrect` required); `ungraded`: any other interaction. */
  type: LearningEventType;
  /** The module (`mref-…`) the learner worked on. */
  moduleId: string;
  /** When the interaction ended, ISO-8601 with a time zone. */
  interactionEndTime: string;
  /** Required for `graded`, refused for `ungraded`. */
  isCorrect?: boolean;
  /** Time spent, in milliseconds. */
  durationMs?: number;
  /** Whether the learner finished the module's content. */
  isComplete?: boolean;
}

/** The body of `POST /events`. */
export interface EventsRequest {
  events: LearningEventInput[];
}

/** The body of a `202` answer to `POST /events`: every event is durably stored (or was already). */
export interface EventsResponse {
  accepted: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const modulePattern = /^mref-[\x21-\x7e]{1,250}$/;
const eventFields: ReadonlySet<string> = new Set([
  'id',
  'type',
  'moduleId',
  'interactionEndTime',
  'isCorrect',
  'durationMs',
  'isComplete',
]);

export type EventsRequestCheck =
  | { ok: true; request: EventsRequest }
  | { ok: false; message: string };

/**
 * Checks an untrusted `POST /events` body whole: the first problem is reported with the event's index
 * and field (`events[2].isCorrect is required for a graded event`), and nothing is accepted then.
 */
export function checkEventsRequest(json: unknown): EventsRequestCheck {
  const fail = (message: string): EventsRequestCheck => ({ ok: false, message });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('The body must be an object {"events": [...]}.');
  }
  const { events, ...rest } = json as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) return fail(`Unknown field ${JSON.stringify(extra.slice(0, 50))}.`);
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_REQUEST) {
    return fail(`events must be an array of 1 to ${MAX_EVENTS_PER_REQUEST} events.`);
  }
  const checked: LearningEventInput[] = [];
  for (const [index, event] of events.entries()) {
    const at = `events[${index}]`;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return fail(`${at} must be an object.`);
    }
    const fields = event as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !eventFields.has(key));
    if (unknown !== undefined) {
      return fail(`${at} has an unknown field ${JSON.stringify(unknown.slice(0, 50))}.`);
    }
    const { id, type, moduleId, interactionEndTime, isCorrect, durationMs, isComplete } = fields;
    if (typeof id !== 'string' || !uuidPattern.test(id)) return fail(`${at}.id must be a UUID.`);
    if (type !== 'graded' && type !== 'ungraded') {
      return fail(`${at}.type must be "graded" or "ungraded".`);
    }
    if (typeof moduleId !== 'string' || !modulePattern.test(moduleId)) {
      return fail(`${at}.moduleId must be a module id (mref-…).`);
    }
    if (
      typeof interactionEndTime !== 'string' ||
      !dateTimePattern.test(interactionEndTime) ||
      Number.isNaN(Date.parse(interactionEndTime))
    ) {
      return fail(`${at}.interactionEndTime must be an ISO-8601 date-time with a time zone.`);
    }
    if (type === 'graded' && typeof isCorrect !== 'boolean') {
      return fail(`${at}.isCorrect is required for a graded event and must be a boolean.`);
    }
    if (type === 'ungraded' && isCorrect !== undefined) {
      return fail(`${at}.isCorrect is only for graded events.`);
    }
    if (
      durationMs !== undefined &&
      (!Number.isSafeInteger(durationMs) || (durationMs as number) < 0)
    ) {
      return fail(`${at}.durationMs must be a non-negative integer.`);
    }
    if (isComplete !== undefined && typeof isComplete !== 'boolean') {
      return fail(`${at}.isComplete must be a boolean.`);
    }
    checked.push({
      id: id.toLowerCase(),
      type,
      moduleId,
      interactionEndTime,
      ...(isCorrect === undefined ? {} : { isCorrect: isCorrect as boolean }),
      ...(durationMs === undefined ? {} : { durationMs: durationMs as number }),
      ...(isComplete === undefined ? {} : { isComplete: isComplete as boolean }),
    });
  }
  return { ok: true, request: { events: checked } };
}
