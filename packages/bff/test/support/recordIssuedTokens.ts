/**
 * Wraps a platform `fetch` so every access and refresh token the platform issues lands in `tokens`: tests
 * then check that none of them ever reaches a response or a log line.
 */
export function recordIssuedTokens(
  fetch: (request: Request) => Promise<Response>,
  tokens: Set<string>,
): typeof globalThis.fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    if (new URL(request.url).pathname.endsWith('/oauth/token') && response.ok) {
      const body = (await response.clone().json()) as Record<string, unknown>;
      for (const key of ['access_token', 'refresh_token']) {
        const token = body[key];
        if (typeof token === 'string') tokens.add(token);
      }
    }
    return response;
  }) as typeof globalThis.fetch;
}
