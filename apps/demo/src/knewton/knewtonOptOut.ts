import { apiRequest } from '../http/apiRequest.js';

/** The example BFF's privacy setting for the signed-in learner (session identity, CSRF-protected). */
const optOutUrl = '/api/knewton-opt-out';

export interface KnewtonOptOutState {
  optedOut: boolean;
}

export function readKnewtonOptOut(signal?: AbortSignal): Promise<KnewtonOptOutState> {
  return apiRequest<KnewtonOptOutState>(optOutUrl, signal === undefined ? {} : { signal });
}

/** `true` turns Knewton off for the learner (`PUT`), `false` back on (`DELETE`). */
export function setKnewtonOptOut(optedOut: boolean): Promise<KnewtonOptOutState> {
  return apiRequest<KnewtonOptOutState>(optOutUrl, { method: optedOut ? 'PUT' : 'DELETE' });
}
