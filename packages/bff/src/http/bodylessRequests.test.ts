import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { serve } from '@hono/node-server';
import { parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appOrigin,
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
  testSessionCookie,
} from '../../test/support/createBffHarness.js';

let h: BffHarness;
let port: number;
let server: ReturnType<typeof serve>;
/** How often a request's `body` was looked at (on node-server that builds a full `Request` and stream). */
let bodyReads = 0;

/** Counts reads of `request.body`, passing them on to node-server's own getter. */
function observeBody(request: Request): Request {
  const prototype = Object.getPrototypeOf(request) as object;
  Object.defineProperty(request, 'body', {
    get() {
      bodyReads++;
      return Reflect.get(prototype, 'body', request);
    },
  });
  return request;
}

beforeAll(async () => {
  h = await createBffHarness();
  await new Promise<void>((resolve) => {
    const fetch = (request: Request, env: unknown) => h.bff.fetch(observeBody(request), env);
    server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      port = info.port;
      resolve();
    });
  });
}, harnessTimeoutMs);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.dispose();
});

/**
 * A body-less `PUT /api/knewton/account` written on a raw socket, byte for byte as wrk and curl send it:
 * neither `Content-Length` nor `Transfer-Encoding` (Node's own client would add `Content-Length: 0`).
 */
function rawBodylessPut(user: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
    socket.write(
      [
        'PUT /api/knewton/account HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Cookie: ${testSessionCookie}=${user}`,
        'X-CSRF: 1',
        `Origin: ${appOrigin}`,
        'Connection: close',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** A `PUT /api/knewton/account` with a body, through Node's HTTP/1.1 client. */
function put(user: string, options: { body: string; chunked?: boolean; length?: boolean }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const headers: Record<string, string> = {
      Cookie: `${testSessionCookie}=${user}`,
      'X-CSRF': '1',
      Origin: appOrigin,
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.body !== undefined && options.length) {
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    if (options.chunked) headers['Transfer-Encoding'] = 'chunked';
    const request = httpRequest(
      { host: '127.0.0.1', port, method: 'PUT', path: '/api/knewton/account', headers },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

describe('body-less PUT over HTTP/1 (@hono/node-server)', () => {
  it('is answered without its (absent) body being looked at', async () => {
    const before = bodyReads;
    expect((await rawBodylessPut('bodyless-user')).status).toBe(201);
    const again = await rawBodylessPut('bodyless-user');
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ accountId: expect.any(String) });
    expect(bodyReads).toBe(before);
  });

  it('still reads and refuses a chunked body that tries to choose the user', async () => {
    const rows = await h.rows();
    const answer = await put('chunked-user', { body: '{"userId":"mallory"}', chunked: true });
    expect(answer.status).toBe(400);
    expect(parseErrorBody(JSON.parse(answer.body))?.error.code).toBe('bad_request');
    expect(await h.rows()).toBe(rows);
  });

  it('still reads and refuses a body with Content-Length', async () => {
    const answer = await put('length-user', { body: '{"userId":"mallory"}', length: true });
    expect(answer.status).toBe(400);
    expect(parseErrorBody(JSON.parse(answer.body))?.error.code).toBe('bad_request');
  });
});

describe('the warm path', () => {
  it('answers a known user synchronously, with every convention header, and counts the request', async () => {
    const init = () => ({
      method: 'PUT',
      headers: { Cookie: `${testSessionCookie}=sync-user`, 'X-CSRF': '1', Origin: appOrigin },
    });
    const first = await h.bff.fetch(new Request('http://bff.test/api/knewton/account', init()));
    expect(first.status).toBe(201);
    // A Response, not a promise of one: @hono/node-server then writes it without an async step.
    const warm = h.bff.fetch(new Request('http://bff.test/api/knewton/account', init()));
    expect(warm).toBeInstanceOf(Response);
    const answer = warm as Response;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual(await first.json());
    expect(answer.headers.get('X-Request-Id')).toMatch(/^[\w-]+$/);
    expect(answer.headers.get('Cache-Control')).toBe('no-store');
    expect(answer.headers.get('Access-Control-Allow-Origin')).toBe(appOrigin);
    // Still under the per-user budget: the synchronous answer spent one request of it.
    let status = 200;
    for (let i = 0; i < 40 && status === 200; i++)
      status = (await h.bff.fetch(new Request('http://bff.test/api/knewton/account', init())))
        .status;
    expect(status).toBe(429);
  });
});

describe('in-process requests (no node-server bindings)', () => {
  it('reads a body given without Content-Length', async () => {
    const request = new Request('http://bff.test/api/knewton/account', {
      method: 'PUT',
      headers: {
        Cookie: `${testSessionCookie}=inproc-user`,
        'X-CSRF': '1',
        Origin: appOrigin,
        'Content-Type': 'application/json',
      },
      body: '{"userId":"mallory"}',
    });
    expect(request.headers.get('Content-Length')).toBeNull();
    const response = await h.bff.fetch(request);
    expect(response.status).toBe(400);
    expect(parseErrorBody(await response.json())?.error.code).toBe('bad_request');
  });
});
