/**
 * The Knewton Platform's documented limits, and the slack our pacers add to them. Every pacer and
 * every size check in the BFF reads its number here, so a changed agreement with Knewton is one edit.
 */

/** `POST /v0/accounts`: 750 calls a minute per token. */
export const accountCreatesPerMinute = 750;

/**
 * `DELETE /v0/accounts/{id}`: no limit is documented; erasure assumes the create endpoint's 750 a minute
 * per token (the same resource), so a bulk erasure never outruns what the platform grants creates.
 * `DELETE /v0/registrations/{id}` documents none either: erasure assumes the same 750 and paces both
 * deletes in one window, so together they never exceed what one of them is assumed to allow.
 */
export const accountDeletesPerMinute = 750;

/** `POST /v0/batch`: 90 calls a minute per token. */
export const batchCallsPerMinute = 90;

/** `POST /v0/batch`: at most 50 account creates in one call. */
export const maxBatchSize = 50;

/** `POST /v0/registrations`: 375 calls a minute per token (here the partner-admin token). */
export const registrationsPerMinute = 375;

/** `GET /v0/registrations/{id}/recommendation`: 15 calls a minute per token (each learner's own). */
export const recommendationsPerMinute = 15;

/** Each event endpoint, `batch-events` included: 15 calls a minute per token (each learner's own). */
export const eventCallsPerMinute = 15;

/** `POST /v0/registrations/{id}/batch-events`: at most 500 events in one call. */
export const maxBatchEvents = 500;

/** `POST /v0/oauth/token`: 100 requests a second per client IP, whatever the credentials or scope. */
export const tokenRequestsPerSecond = 100;

/** The per-token limits above are counted per minute. */
export const perTokenWindowMs = 60_000;

/** The per-IP limits are counted per second. */
export const perIpWindowMs = 1_000;

/**
 * Added to every window of a `SlidingWindowPacer`. Such a pacer counts a call from its answer, and the
 * platform counted it on arrival, before that; so the slack only covers the two clocks' rounding.
 */
export const pacingSlackMs = 20;

/**
 * Added to every window of a `PerTokenCallWindow`. That window counts a call when it leaves, so its slack
 * must also cover the call's time on the way to the platform (a loaded machine, a slow connection).
 */
export const departureSlackMs = 2_000;
