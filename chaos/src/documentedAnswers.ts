/** The answers the contract allows an ensure (`PUT /api/knewton/account`) under load and faults. */
const documented = new Set([
  '200',
  '201',
  // Queued behind the platform's rate limits: the kit asks again after Retry-After.
  '202 queued',
  '429 rate_limited',
  '503 knewton_unavailable',
  '503 store_unavailable',
]);

/** `"201"`, `"503 store_unavailable"`, or `"connection lost"` when no HTTP answer arrived. */
export type AnswerKey = string;

export function isDocumentedAnswer(key: AnswerKey): boolean {
  return documented.has(key);
}

export const connectionLost = 'connection lost';
export const clientTimeout = 'client timeout';
