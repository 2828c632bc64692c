import { KnewtonUnavailableError } from '../errors.js';

/** The platform has no `POST /v0/batch` (it answered 404, 405 or 410): create accounts one at a time. */
export class BatchUnavailableError extends KnewtonUnavailableError {
  /** Marks it apart from other unavailability: nothing was created, send the items one at a time. */
  readonly batchUnavailable = true as const;
}
