import { parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appOrigin,
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';

let h: BffHarness;
beforeAll(async () => {
  h = await createBffHarness({ bff: { limits: { maxBodyBytes: 1024 } } });
}, harnessTimeoutMs);
afterAll(() => h.dispose());

async function codeOf(response: Response): Promise<string | undefined> {
  return parseErrorBody(await response.json())?.error.code;
}

/** Each bad request must leave the platform and the store exactly as they were. */
async function expectNothingChanged(run: () => Promise<void>, users: string[]) {
  const creates = h.calls('POST /v0/accounts');
  const rows = await h.rows();
  await run();
  expect(h.calls('POST /v0/accounts')).toBe(creates);
  expect(await h.rows()).toBe(rows);
  for (const user of users) expect(await h.bff.provisioner.getAccount(user)).toBeUndefined();
}

function streamOf(totalBytes: number, chunkBytes = 256): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const size = Math.min(chunkBytes, totalBytes - sent);
      sent += size;
      controller.enqueue(new TextEncoder().encode('{'.padEnd(size, ' ')));
    },
  });
}

describe('CSRF: X-CSRF: 1 and an allowed Origin on every state-changing request', () => {
  it.each<[string, Record<string, string>]>([
    ['no X-CSRF header', { Origin: appOrigin }],
    ['no X-CSRF header and no Origin', {}],
    ['X-CSRF: 0', { Origin: appOrigin, 'X-CSRF': '0' }],
    ['X-CSRF: true', { Origin: appOrigin, 'X-CSRF': 'true' }],
    ['a foreign Origin', { Origin: 'https://evil.example', 'X-CSRF': '1' }],
    ['a look-alike Origin', { Origin: 'https://app.example.com.evil.example', 'X-CSRF': '1' }],
    ['the allowed host on http', { Origin: 'http://app.example.com', 'X-CSRF': '1' }],
    ['Origin: null (sandboxed frame)', { Origin: 'null', 'X-CSRF': '1' }],
  ])('403 csrf_rejected with %s, and nothing changes', async (_, headers) => {
    await expectNothingChanged(async () => {
      const response = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'csrf-victim',
        csrf: false,
        headers,
      });
      expect(response.status).toBe(403);
      expect(await codeOf(response)).toBe('csrf_rejected');
    }, ['csrf-victim']);
  });

  it('passes with the header and no Origin at all (a server-side caller)', async () => {
    const response = await h.bff.fetch(
      new Request('http://bff.test/api/knewton/account', {
        method: 'PUT',
        headers: { 'X-CSRF': '1', Cookie: 'test_session=server-side-caller' },
      }),
    );
    expect(response.status).toBe(201);
  });

  it('GET needs neither (it changes nothing)', async () => {
    const response = await h.request('/api/knewton/account', {
      user: 'server-side-caller',
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(200);
  });
});

describe('bodies', () => {
  it('400 bad_request for malformed JSON, and nothing changes', async () => {
    await expectNothingChanged(async () => {
      const response = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'body-user',
        headers: { 'Content-Type': 'application/json' },
        body: '{"userId": ',
      });
      expect(response.status).toBe(400);
      expect(await codeOf(response)).toBe('bad_request');
    }, ['body-user']);
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'userId=victim'],
    ['multipart/form-data; boundary=x', '--x--'],
    ['', '{}'],
  ])('415 unsupported_media_type for a %j body, and nothing changes', async (type, body) => {
    await expectNothingChanged(async () => {
      const headers: Record<string, string> = type === '' ? {} : { 'Content-Type': type };
      const request = new Request('http://bff.test/api/knewton/account', {
        method: 'PUT',
        body,
        headers: {
          ...headers,
          'X-CSRF': '1',
          Origin: appOrigin,
          Cookie: 'test_session=body-user',
        },
      });
      // A string body defaults to text/plain; the empty case must carry no type at all.
      if (type === '') request.headers.delete('Content-Type');
      const response = await h.bff.fetch(request);
      expect(response.status).toBe(415);
      expect(await codeOf(response)).toBe('unsupported_media_type');
    }, ['body-user', 'victim']);
  });

  it('413 payload_too_large from Content-Length, without reading the body', async () => {
    // A body that fails when read: a 413 (not a 500) proves the declared length sufficed.
    const unreadable = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error('the body was read');
      },
    });
    await expectNothingChanged(async () => {
      const response = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'body-user',
        headers: { 'Content-Type': 'application/json', 'Content-Length': '2048' },
        body: unreadable,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(await codeOf(response)).toBe('payload_too_large');
    }, ['body-user']);
  });

  it('accepts a body at exactly the limit (then judges its content)', async () => {
    const response = await h.request('/api/knewton/account', {
      method: 'PUT',
      user: 'limit-user',
      headers: { 'Content-Type': 'application/json' },
      body: `{}${' '.repeat(1022)}`,
    });
    expect(response.status).toBe(201);
  });

  it('413 for a streamed body without Content-Length once it passes the limit', async () => {
    await expectNothingChanged(async () => {
      const response = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'body-user',
        headers: { 'Content-Type': 'application/json' },
        body: streamOf(64 * 1024),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    }, ['body-user']);
  });

  it('413 when Content-Length understates the body', async () => {
    await expectNothingChanged(async () => {
      const response = await h.request('/api/knewton/account', {
        method: 'PUT',
        user: 'body-user',
        headers: { 'Content-Type': 'application/json', 'Content-Length': '2' },
        body: streamOf(4096),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    }, ['body-user']);
  });
});

describe('identity comes only from authenticate', () => {
  it('refuses a user id smuggled in the PUT body (400) and creates for no one', async () => {
    await expectNothingChanged(async () => {
      for (const body of [{ userId: 'victim' }, { appUserId: 'victim' }, [], 'victim', 42, null]) {
        const response = await h.request('/api/knewton/account', {
          method: 'PUT',
          user: 'smuggler',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(400);
        expect(await codeOf(response)).toBe('bad_request');
      }
    }, ['smuggler', 'victim']);
  });

  it('ignores a user id in the query: the account is the session user’s', async () => {
    const response = await h.request('/api/knewton/account?userId=victim&user=victim', {
      method: 'PUT',
      user: 'query-user',
    });
    expect(response.status).toBe(201);
    expect(await h.bff.provisioner.getAccount('victim')).toBeUndefined();
    expect(await h.bff.provisioner.getAccount('query-user')).toBeDefined();
  });

  it('has no route that takes a user id in the path', async () => {
    await expectNothingChanged(async () => {
      for (const method of ['GET', 'PUT']) {
        const response = await h.request('/api/knewton/account/victim', { method, user: 'x' });
        expect(response.status).toBe(404);
      }
    }, ['victim', 'x']);
  });

  it('without a session a smuggled id gets 401, not an account', async () => {
    await expectNothingChanged(async () => {
      const response = await h.request('/api/knewton/account?userId=victim', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-User-Id': 'victim' },
        body: '{}',
      });
      expect(response.status).toBe(401);
    }, ['victim']);
  });
});

describe('CORS for the allowed origins', () => {
  it('answers a preflight from an allowed origin with credentials and the CSRF header allowed', async () => {
    const response = await h.request('/api/knewton/account', {
      method: 'OPTIONS',
      headers: {
        Origin: appOrigin,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'x-csrf',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(appOrigin);
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response.headers.get('Access-Control-Allow-Headers')).toMatch(/X-CSRF/i);
  });

  it('gives a foreign origin no Access-Control-Allow-Origin, so its browser blocks the request', async () => {
    const response = await h.request('/api/knewton/account', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
