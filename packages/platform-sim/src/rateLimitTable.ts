/** Documented per-token, per-endpoint limits (requests per minute), keyed by route template. */
export const perTokenLimitsPerMinute: ReadonlyMap<string, number> = new Map([
  ['POST /v0/accounts', 750],
  ['POST /v0/batch', 90],
  ['GET /v0/accounts/{id}', 15],
  ['POST /v0/registrations', 375],
  ['POST /v0/registrations/{id}/ungraded-events', 15],
  ['POST /v0/registrations/{id}/graded-events', 15],
  ['POST /v0/registrations/{id}/recommendation-followed-events', 15],
  ['POST /v0/registrations/{id}/batch-events', 15],
  ['GET /v0/registrations/{id}/recommendation', 15],
]);

/** Documented per-IP limits (requests per second). */
export const perIpLimitsPerSecond = {
  tokenRequests: 100,
  otherUnauthenticatedRequests: 10,
} as const;
