/**
 * The body of `202` from `PUT /account`: the platform's rate limits mean the account cannot be created
 * within about 5 s, so creation goes on in the background. The answer carries `Retry-After` (seconds);
 * ask again then (a later `PUT` or `GET` returns the account). Not a failure: the account is pending.
 */
export interface AccountQueuedResponse {
  status: 'queued';
}

/** Reads an {@link AccountQueuedResponse} from untrusted JSON, or returns `undefined` if it is not one. */
export function parseAccountQueuedResponse(json: unknown): AccountQueuedResponse | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  return (json as Record<string, unknown>).status === 'queued' ? { status: 'queued' } : undefined;
}
