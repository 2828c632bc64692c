import {
  badField,
  optionalBoolean,
  optionalNonNegativeInteger,
  optionalText,
  requiredBoolean,
  requiredDateTime,
  requiredModuleId,
  requiredNonNegativeInteger,
} from './fields.js';
import { recordGradedAnswer } from './learnerMastery.js';
import type { RegistrationRecord } from './learningStore.js';
import { SimHttpError } from './SimHttpError.js';

export type LearningEventType = 'ungraded' | 'graded' | 'recommendation-followed';

/** What the simulator keeps of an accepted event: enough to move the recommendations along. */
export interface LearningEvent {
  moduleId: string;
  /** Set for graded events only: the answer's correctness, the model's evidence of mastery. */
  isCorrect: boolean | undefined;
}

/** Documented: at most 500 events per batch. */
export const MAX_BATCH_EVENTS = 500;

/** Validates one event body of the given type; throws a 422 `SimHttpError` naming the field. */
export function parseLearningEvent(
  type: LearningEventType,
  body: Record<string, unknown>,
): LearningEvent {
  if (type === 'recommendation-followed') {
    requiredNonNegativeInteger(body, 'recommendation_id');
    const moduleId = requiredModuleId(body, 'module_id');
    requiredDateTime(body, 'time_followed');
    return { moduleId, isCorrect: undefined };
  }
  const moduleId = requiredModuleId(body, 'module_id');
  requiredDateTime(body, 'interaction_end_time');
  optionalNonNegativeInteger(body, 'duration');
  optionalBoolean(body, 'is_complete');
  optionalText(body, 'goal_id');
  if (type === 'ungraded') return { moduleId, isCorrect: undefined };
  const isCorrect = requiredBoolean(body, 'is_correct');
  optionalText(body, 'instance_hash');
  return { moduleId, isCorrect };
}

/** Validates a `batch-events` body entirely before anything is recorded (all or nothing). */
export function parseBatchEvents(body: Record<string, unknown>): LearningEvent[] {
  optionalText(body, 'goal_id');
  const events = body.events;
  if (!Array.isArray(events) || events.length === 0) {
    throw badField('events must be a non-empty array.');
  }
  if (events.length > MAX_BATCH_EVENTS) {
    throw badField(`A batch holds at most ${MAX_BATCH_EVENTS} events.`);
  }
  return events.map((event, index) => {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw badField(`events[${index}] must be an object.`);
    }
    const record = event as Record<string, unknown>;
    const type = record.type;
    if (type !== 'ungraded' && type !== 'graded' && type !== 'recommendation-followed') {
      throw badField(
        `events[${index}].type must be "ungraded", "graded" or "recommendation-followed".`,
      );
    }
    try {
      return parseLearningEvent(type, record);
    } catch (error) {
      if (error instanceof SimHttpError) throw badField(`events[${index}]: ${error.message}`);
      throw error;
    }
  });
}

/** Records accepted events in order; returns how many were recorded (for `/__sim/stats`). */
export function recordLearningEvents(
  registration: RegistrationRecord,
  events: readonly LearningEvent[],
): number {
  for (const event of events) {
    registration.eventCount++;
    if (event.isCorrect !== undefined) {
      recordGradedAnswer(registration.mastery, event.moduleId, event.isCorrect);
    }
  }
  return events.length;
}
