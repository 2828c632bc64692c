import { describe, expect, it } from 'vitest';
import { createPlatformTransport, PlatformTimeoutError } from './createPlatformTransport.js';

/** A platform that never answers and, like an in-process simulator, ignores the request's signal. */
const hanging = () => new Promise<Response>(() => {});

/** A platform that never answers but drops the request when its signal aborts, like `fetch`. */
const abortable = (request: Request) =>
  new Promise<Response>((_, reject) => {
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener('abort', () => reject(request.signal.reason));
  });

describe('createPlatformTransport', () => {
  it('sends JSON and form bodies under /v0 with their content types', async () => {
    const seen: Array<{ url: string; method: string; type: string | null; body: string }> = [];
    const http = createPlatformTransport({
      baseUrl: 'http://knewton.test',
      timeoutMs: 1000,
      fetch: async (request) => {
        seen.push({
          url: request.url,
          method: request.method,
          type: request.headers.get('content-type'),
          body: await request.text(),
        });
        return new Response('{}', { status: 201 });
      },
    });
    const created = await http.post('accounts', {
      headers: { authorization: 'Bearer t' },
      json: { external_user_id: 'x' },
    });
    await http.post('oauth/token', {
      headers: {},
      form: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    await http.get('learning-instances', { headers: {} });
    expect(created.status).toBe(201);
    expect(seen).toEqual([
      {
        url: 'http://knewton.test/v0/accounts',
        method: 'POST',
        type: 'application/json',
        body: '{"external_user_id":"x"}',
      },
      {
        url: 'http://knewton.test/v0/oauth/token',
        method: 'POST',
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
        body: 'grant_type=client_credentials',
      },
      { url: 'http://knewton.test/v0/learning-instances', method: 'GET', type: null, body: '' },
    ]);
  });

  it('gives up after the timeout even when the platform ignores the signal', async () => {
    const http = createPlatformTransport({
      baseUrl: 'http://k.test',
      timeoutMs: 50,
      fetch: hanging,
    });
    await expect(http.post('accounts', { headers: {}, json: {} })).rejects.toBeInstanceOf(
      PlatformTimeoutError,
    );
  });

  it('cuts requests in flight short when the shutdown signal aborts, and refuses later ones', async () => {
    const shutdown = new AbortController();
    const http = createPlatformTransport({
      baseUrl: 'http://k.test',
      timeoutMs: 60_000,
      fetch: abortable,
      signal: shutdown.signal,
    });
    const inFlight = http.post('accounts', { headers: {}, json: {} });
    shutdown.abort();
    await expect(inFlight).rejects.toBeDefined();
    await expect(http.get('learning-instances', { headers: {} })).rejects.toBeDefined();
  });

  it("takes a request's own timeout and signal (a caller's deadline) without touching the others", async () => {
    const http = createPlatformTransport({
      baseUrl: 'http://k.test',
      timeoutMs: 60_000,
      fetch: (request) =>
        request.url.endsWith('/quick') ? Promise.resolve(new Response(null)) : abortable(request),
    });
    const started = Date.now();
    await expect(
      http.post('slow', { headers: {}, json: {}, timeoutMs: 50 }),
    ).rejects.toBeInstanceOf(PlatformTimeoutError);
    expect(Date.now() - started).toBeLessThan(30_000);
    const deadline = new AbortController();
    const cut = http.post('slow', { headers: {}, json: {}, signal: deadline.signal });
    const other = http.post('quick', { headers: {}, json: {} });
    deadline.abort(new Error('deadline'));
    await expect(cut).rejects.toThrow('deadline');
    expect((await other).status).toBe(200);
  });
});
