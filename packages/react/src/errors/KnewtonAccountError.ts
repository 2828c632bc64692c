import { KnewtonError, type KnewtonErrorCode, type KnewtonErrorDetails } from './KnewtonError.js';

export type KnewtonAccountErrorCode = KnewtonErrorCode;
export type KnewtonAccountErrorDetails = KnewtonErrorDetails;

/** Why the signed-in user's Knewton account id could not be had (`GET` or `PUT /account`). */
export class KnewtonAccountError extends KnewtonError {
  override name = 'KnewtonAccountError' as const;
}
