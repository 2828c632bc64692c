import type { LearningEventType } from '../learningEvents.js';
import { parseBatchEvents, parseLearningEvent, recordLearningEvents } from '../learningEvents.js';
import { readJsonObject } from '../requestBody.js';
import { noContentResponse } from '../responses.js';
import type { SimRoute } from '../simState.js';
import { accessibleRegistration } from './registrationRoutes.js';

// Events are processed asynchronously by the platform: a valid event is answered 204 at once. A batch
// is validated whole before any of it is recorded, so a 422 leaves the learner's state unchanged.
function singleEventRoute(pathSuffix: string, type: LearningEventType): SimRoute {
  return {
    method: 'POST',
    path: `/v0/registrations/{id}/${pathSuffix}`,
    auth: 'bearer',
    async handler(context) {
      const registration = accessibleRegistration(context);
      const event = parseLearningEvent(type, await readJsonObject(context.request));
      context.state.counters.events += recordLearningEvents(registration, [event]);
      return noContentResponse();
    },
  };
}

export const ungradedEventRoute = singleEventRoute('ungraded-events', 'ungraded');
export const gradedEventRoute = singleEventRoute('graded-events', 'graded');
export const recommendationFollowedEventRoute = singleEventRoute(
  'recommendation-followed-events',
  'recommendation-followed',
);

export const batchEventsRoute: SimRoute = {
  method: 'POST',
  path: '/v0/registrations/{id}/batch-events',
  auth: 'bearer',
  async handler(context) {
    const registration = accessibleRegistration(context);
    const events = parseBatchEvents(await readJsonObject(context.request));
    context.state.counters.events += recordLearningEvents(registration, events);
    return noContentResponse();
  },
};
