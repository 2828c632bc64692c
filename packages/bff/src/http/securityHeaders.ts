/**
 * The headers every answer carries: the ones that matter for a JSON API (answers are never documents).
 * Fixed at load time and set in one pass by `applyConventions`, since Hono's `secureHeaders()` middleware
 * costs about 13% of the warm path's throughput.
 */
export const securityHeaders: ReadonlyArray<readonly [name: string, value: string]> = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

/** The same headers as one object (lower-case names), spread into each answer's header object. */
export const securityHeaderRecord: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(securityHeaders.map(([name, value]) => [name.toLowerCase(), value])),
);
