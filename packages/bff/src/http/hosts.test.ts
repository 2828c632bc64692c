import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { parseAccountResponse, parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appOrigin,
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';
import { createKnewtonBff } from '../createKnewtonBff.js';

let h: BffHarness;
beforeAll(async () => {
  h = await createBffHarness({ bff: { limits: { maxBodyBytes: 1024 } } });
}, harnessTimeoutMs);
afterAll(() => h.dispose());

describe('mounted in a plain Node server (@hono/node-server), over a real socket', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createAdaptorServer({ fetch: h.bff.fetch, overrideGlobalObjects: false }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signedIn = { Cookie: 'test_session=node-user', 'X-CSRF': '1', Origin: appOrigin };

  it('ensures and reads the account', async () => {
    const created = await fetch(`${base}/api/knewton/account`, {
      method: 'PUT',
      headers: signedIn,
    });
    expect(created.status).toBe(201);
    const account = parseAccountResponse(await created.json());
    const read = await fetch(`${base}/api/knewton/account`, { headers: signedIn });
    expect(read.status).toBe(200);
    expect(parseAccountResponse(await read.json())).toEqual(account);
    expect(read.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses an oversize chunked body with 413 once it streams past the limit', async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024) return controller.close();
        sent += 512;
        controller.enqueue(new Uint8Array(512).fill(32));
      },
    });
    const response = await fetch(`${base}/api/knewton/account`, {
      method: 'PUT',
      headers: { ...signedIn, 'Content-Type': 'application/json', Cookie: 'test_session=big-body' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(parseErrorBody(await response.json())?.error.code).toBe('payload_too_large');
    expect(await h.bff.provisioner.getAccount('big-body')).toBeUndefined();
  });

  it('refuses a body whose Content-Length is over the limit with 413, and accepts `{}`', async () => {
    const oversize = await fetch(`${base}/api/knewton/account`, {
      method: 'PUT',
      headers: {
        ...signedIn,
        'Content-Type': 'application/json',
        Cookie: 'test_session=long-body',
      },
      body: JSON.stringify({ pad: 'x'.repeat(4096) }),
    });
    expect(oversize.status).toBe(413);
    expect(parseErrorBody(await oversize.json())?.error.code).toBe('payload_too_large');
    expect(await h.bff.provisioner.getAccount('long-body')).toBeUndefined();

    const empty = await fetch(`${base}/api/knewton/account`, {
      method: 'PUT',
      headers: {
        ...signedIn,
        'Content-Type': 'application/json',
        Cookie: 'test_session=long-body',
      },
      body: '{}',
    });
    expect(empty.status).toBe(201);
  });

  it('answers unknown paths and methods in the JSON error shape', async () => {
    const missing = await fetch(`${base}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(parseErrorBody(await missing.json())?.error.code).toBe('not_found');
    const wrong = await fetch(`${base}/api/knewton/account`, {
      method: 'PATCH',
      headers: signedIn,
    });
    expect(wrong.status).toBe(405);
  });
});

describe('mounted as a Next.js App Router route handler', () => {
  // app/api/knewton/[...path]/route.ts in a Next.js app is exactly this:
  const route = {
    GET: (request: Request) => h.bff.fetch(request),
    PUT: (request: Request) => h.bff.fetch(request),
  };

  it('serves GET and PUT from the exported handlers', async () => {
    const headers = { Cookie: 'test_session=next-user', 'X-CSRF': '1', Origin: appOrigin };
    const url = 'https://app.example.com/api/knewton/account';
    expect((await route.GET(new Request(url, { headers }))).status).toBe(404);
    expect((await route.PUT(new Request(url, { method: 'PUT', headers }))).status).toBe(201);
    expect((await route.GET(new Request(url, { headers }))).status).toBe(200);
  });
});

describe('host integration details', () => {
  it('a throwing authenticate is a 500 internal_error with a generic message, logged', async () => {
    const lines: string[] = [];
    const bff = await createKnewtonBff({
      authenticate: () => {
        throw new Error('session store exploded: token=abc');
      },
      provisioner: h.bff.provisioner,
      logger: {
        debug() {},
        info() {},
        warn() {},
        error: (fields: unknown, message?: string) => {
          lines.push(JSON.stringify({ message, fields }));
        },
      },
    });
    const response = await bff.fetch(new Request('http://h/api/knewton/account'));
    expect(response.status).toBe(500);
    const error = parseErrorBody(await response.json())?.error;
    expect(error).toMatchObject({ code: 'internal_error', retryable: true });
    expect(error?.message).not.toContain('exploded');
    expect(lines.join('\n')).toContain('exploded');
  });

  it.each([[null], [''], [42]])(
    'an authenticate resolving to %j is a host bug: 500, never a user',
    async (value) => {
      const bff = await createKnewtonBff({
        authenticate: async () => value as unknown as string,
        provisioner: h.bff.provisioner,
      });
      const response = await bff.fetch(new Request('http://h/api/knewton/account'));
      expect(response.status).toBe(500);
    },
  );

  it('serves under a custom basePath and leaves a passed-in provisioner open on close', async () => {
    const bff = await createKnewtonBff({
      authenticate: async () => 'base-path-user',
      provisioner: h.bff.provisioner,
      basePath: '/knewton',
    });
    const put = () =>
      bff.fetch(
        new Request('http://h/knewton/account', { method: 'PUT', headers: { 'X-CSRF': '1' } }),
      );
    expect((await put()).status).toBe(201);
    expect((await bff.fetch(new Request('http://h/api/knewton/account'))).status).toBe(404);
    await bff.close();
    expect((await put()).status).toBe(200);
  });
});
