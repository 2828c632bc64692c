/** An answer's `Retry-After` seconds in milliseconds; an HTTP date (or none) gives `undefined`. */
export const retryAfterMs = (response?: Response) =>
  Number(response?.headers.get('Retry-After')) * 1000 || undefined;
