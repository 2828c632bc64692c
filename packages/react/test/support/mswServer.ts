import type { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** Where tests mount the BFF (the kit's default, resolved against jsdom's page URL). */
export const accountUrl = '/api/knewton/account';

/**
 * One MSW server per test file; unhandled requests fail the test, so nothing reaches a network.
 * `requests` lists every request the kit sent in the current test, as `METHOD /path`.
 */
export function setupMswServer(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  const requests: Request[] = [];
  server.events.on('request:start', ({ request }) => {
    requests.push(request.clone());
  });
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    requests.length = 0;
  });
  afterAll(() => server.close());
  return {
    server,
    requests,
    /** `METHOD /path` of each request so far. */
    sent: () => requests.map((request) => `${request.method} ${new URL(request.url).pathname}`),
  };
}
