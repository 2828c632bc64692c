import { badField, requiredText } from '../fields.js';
import type { RegistrationRecord } from '../learningStore.js';
import { MAX_REGISTRATIONS } from '../learningStore.js';
import { readJsonObject } from '../requestBody.js';
import { jsonResponse, noContentResponse } from '../responses.js';
import { SimHttpError } from '../SimHttpError.js';
import type { AuthenticatedRouteContext, SimRoute } from '../simState.js';
import { requirePartnerAdmin } from './accountRoutes.js';
import { registrationJson } from './learningInstanceRoutes.js';

/** The registration named in the path, readable by the partner admin and by its own account. */
export function accessibleRegistration(context: AuthenticatedRouteContext): RegistrationRecord {
  const id = context.params.id ?? '';
  const registration = context.state.learning.getRegistration(id);
  if (!registration) throw new SimHttpError(404, `No registration with id ${id}.`);
  if (!context.caller.partnerAdmin && registration.accountId !== context.caller.id) {
    throw new SimHttpError(403, 'This registration belongs to another account.');
  }
  return registration;
}

export const createRegistrationRoute: SimRoute = {
  method: 'POST',
  path: '/v0/registrations',
  auth: 'bearer',
  async handler(context) {
    requirePartnerAdmin(context);
    const body = await readJsonObject(context.request);
    const accountId = requiredText(body, 'account_id');
    const learningInstanceId = requiredText(body, 'learning_instance_id');
    const type = body.type;
    if (type !== 'learner' && type !== 'instructor') {
      throw badField('type is required and must be "learner" or "instructor".');
    }
    const { learning, accounts } = context.state;
    const account = accounts.get(accountId);
    if (!account || account.partnerAdmin)
      throw badField(`No registrable account with id ${accountId}.`);
    if (!learning.getInstance(learningInstanceId)) {
      throw badField(`No learning instance with id ${learningInstanceId}.`);
    }
    const registration = learning.createRegistration(accountId, learningInstanceId, type);
    if (registration === 'duplicate') {
      throw badField('This account is already registered in this learning instance.');
    }
    if (registration === 'account-limit') {
      throw badField(`The account already has ${MAX_REGISTRATIONS} registrations.`);
    }
    if (registration === 'instance-limit') {
      throw badField(`The learning instance already has ${learning.maxPerInstance} registrations.`);
    }
    return jsonResponse(201, registrationJson(registration));
  },
};

export const getRegistrationRoute: SimRoute = {
  method: 'GET',
  path: '/v0/registrations/{id}',
  auth: 'bearer',
  handler(context) {
    return jsonResponse(200, registrationJson(accessibleRegistration(context)));
  },
};

export const deleteRegistrationRoute: SimRoute = {
  method: 'DELETE',
  path: '/v0/registrations/{id}',
  auth: 'bearer',
  handler(context) {
    requirePartnerAdmin(context);
    const id = context.params.id ?? '';
    if (!context.state.learning.deleteRegistration(id, context.now)) {
      throw new SimHttpError(404, `No registration with id ${id}.`);
    }
    return noContentResponse();
  },
};
