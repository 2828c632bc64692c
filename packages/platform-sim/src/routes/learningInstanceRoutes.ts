import { badField, optionalDate, requiredText } from '../fields.js';
import type { LearningInstanceRecord, RegistrationRecord } from '../learningStore.js';
import { looksLikePii } from '../looksLikePii.js';
import { readJsonObject } from '../requestBody.js';
import { jsonResponse } from '../responses.js';
import { SimHttpError } from '../SimHttpError.js';
import { findSeededGraph } from '../seededGraphs.js';
import type { SimRoute } from '../simState.js';
import { requirePartnerAdmin } from './accountRoutes.js';

export function learningInstanceJson(instance: LearningInstanceRecord) {
  return {
    id: instance.id,
    graph_id: instance.graphId,
    name: instance.name,
    ...(instance.startDate === undefined ? {} : { start_date: instance.startDate }),
    ...(instance.endDate === undefined ? {} : { end_date: instance.endDate }),
  };
}

export function registrationJson(registration: RegistrationRecord) {
  return {
    id: registration.id,
    account_id: registration.accountId,
    learning_instance_id: registration.learningInstanceId,
    type: registration.type,
  };
}

export const createLearningInstanceRoute: SimRoute = {
  method: 'POST',
  path: '/v0/learning-instances',
  auth: 'bearer',
  async handler(context) {
    requirePartnerAdmin(context);
    const body = await readJsonObject(context.request);
    const graphId = requiredText(body, 'graph_id');
    if (!findSeededGraph(graphId)) {
      throw badField(
        `Unknown graph_id ${graphId} (GET /__sim/graphs lists the simulator's graphs).`,
      );
    }
    const name = requiredText(body, 'name');
    // Documented: names containing an email address are rejected (always, not only in strict mode).
    if (looksLikePii(name) === 'an email address') {
      throw badField('name must not contain an email address.');
    }
    const startDate = optionalDate(body, 'start_date');
    const endDate = optionalDate(body, 'end_date');
    if (startDate && endDate && Date.parse(endDate) < Date.parse(startDate)) {
      throw badField('end_date must not be before start_date.');
    }
    const instance = context.state.learning.createInstance({ graphId, name, startDate, endDate });
    return jsonResponse(201, learningInstanceJson(instance));
  },
};

export const listLearningInstancesRoute: SimRoute = {
  method: 'GET',
  path: '/v0/learning-instances',
  auth: 'bearer',
  handler(context) {
    requirePartnerAdmin(context);
    return jsonResponse(200, context.state.learning.listInstances().map(learningInstanceJson));
  },
};

export const getLearningInstanceRoute: SimRoute = {
  method: 'GET',
  path: '/v0/learning-instances/{id}',
  auth: 'bearer',
  handler(context) {
    requirePartnerAdmin(context);
    const id = context.params.id ?? '';
    const instance = context.state.learning.getInstance(id);
    if (!instance) throw new SimHttpError(404, `No learning instance with id ${id}.`);
    return jsonResponse(200, learningInstanceJson(instance));
  },
};

export const listInstanceRegistrationsRoute: SimRoute = {
  method: 'GET',
  path: '/v0/learning-instances/{id}/registrations',
  auth: 'bearer',
  handler(context) {
    requirePartnerAdmin(context);
    const id = context.params.id ?? '';
    if (!context.state.learning.getInstance(id)) {
      throw new SimHttpError(404, `No learning instance with id ${id}.`);
    }
    return jsonResponse(
      200,
      context.state.learning.registrationsOfInstance(id).map(registrationJson),
    );
  },
};
