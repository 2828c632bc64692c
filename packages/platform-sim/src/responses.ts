// The platform documents JSON only, with this exact media type.
const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export function jsonResponse(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
  });
}

/** Every error the simulator produces has this one shape, the one the platform documents for 429. */
export function errorResponse(
  status: number,
  message: string,
  headers?: Record<string, string>,
): Response {
  return jsonResponse(status, { message }, headers);
}

export function noContentResponse(): Response {
  return new Response(null, { status: 204 });
}

/** The documented 429 answer: fixed body plus the reason header; no `Retry-After` (none is documented). */
export function rateLimitedResponse(reason: RateExceededReason): Response {
  return errorResponse(429, 'Too many requests.', { 'x-knewton-rate-exceeded': reason });
}

export type RateExceededReason =
  | 'ip-limited'
  | 'token-limited'
  | 'partner-soft-limited'
  | 'partner-limited';
