import { deterministicLong } from '../deterministicId.js';
import { badField, MAX_TEXT_LENGTH, textLength } from '../fields.js';
import { jsonResponse } from '../responses.js';
import { findSeededGraph } from '../seededGraphs.js';
import type { SimRoute } from '../simState.js';
import { accessibleRegistration } from './registrationRoutes.js';

export const MAX_RECOMMENDED_MODULES = 10;

/**
 * `GET /v0/registrations/{id}/recommendation`. Deterministic: the next modules of the instance's
 * graph, in teaching order, that this learner has not mastered (see `learnerMastery.ts`). With a
 * `goal_id` that is a module of the graph, only it and its prerequisites count; `ready`: none is left.
 */
export const recommendationRoute: SimRoute = {
  method: 'GET',
  path: '/v0/registrations/{id}/recommendation',
  auth: 'bearer',
  handler(context) {
    const registration = accessibleRegistration(context);
    const query = context.url.searchParams;
    const goalId = query.get('goal_id') ?? undefined;
    if (goalId !== undefined && (goalId.length === 0 || textLength(goalId) > MAX_TEXT_LENGTH)) {
      throw badField(
        `goal_id must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters.`,
      );
    }
    for (const flag of ['continued_recommendations', 'justifications']) {
      const value = query.get(flag);
      if (value !== null && value !== 'true' && value !== 'false') {
        throw badField(`${flag} must be true or false.`);
      }
    }
    const instance = context.state.learning.getInstance(registration.learningInstanceId);
    const modules = (instance && findSeededGraph(instance.graphId)?.moduleIds) ?? [];
    const goalIndex = goalId === undefined ? -1 : modules.indexOf(goalId);
    const inScope = goalIndex === -1 ? modules : modules.slice(0, goalIndex + 1);
    const remaining = inScope.filter((moduleId) => !registration.mastery.mastered.has(moduleId));
    const status =
      goalId === undefined ? 'unfocused' : remaining.length === 0 ? 'ready' : 'in progress';
    return jsonResponse(200, {
      recommendation_id: deterministicLong(
        `${registration.id}:${registration.eventCount}:${goalId ?? ''}`,
      ),
      module_ids: remaining.slice(0, MAX_RECOMMENDED_MODULES),
      status,
    });
  },
};
