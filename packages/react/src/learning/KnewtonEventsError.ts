import { KnewtonError } from '../errors/KnewtonError.js';

/** Why a batch of learning events was not accepted (`POST /events`). */
export class KnewtonEventsError extends KnewtonError {
  override name = 'KnewtonEventsError' as const;
}
