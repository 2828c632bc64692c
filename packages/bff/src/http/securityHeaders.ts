/**
 * The headers every answer carries. The answers are JSON for scripts, never documents, so these are the
 * ones that matter for an API (no legacy HTML-page headers). Fixed at load time and set in one pass by
 * `applyConventions`: Hono's `secureHeaders()` middleware gave the same headers for about 13% of the warm
 * path's throughput (one more middleware layer plus per-request work), measured with `pnpm bench`.
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
