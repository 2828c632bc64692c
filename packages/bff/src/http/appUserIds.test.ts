import { parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';

// The host's session is stood in for by a header holding the id as a JSON string, so any UTF-16 (lone
// surrogates included) reaches `authenticate` exactly as a host's own session store might hand it over.
const userHeader = 'X-Test-User-Json';

let h: BffHarness;
beforeAll(async () => {
  h = await createBffHarness({
    bff: {
      authenticate: (request) => {
        const json = request.headers.get(userHeader);
        return json === null ? undefined : (JSON.parse(json) as string);
      },
    },
  });
}, harnessTimeoutMs);
afterAll(() => h.dispose());

function ensureAs(appUserId: string, method = 'PUT') {
  return h.request('/api/knewton/account', {
    method,
    headers: { [userHeader]: asciiJson(appUserId) },
  });
}

/** JSON with every non-ASCII code unit escaped: header values must be bytes. */
function asciiJson(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

describe('app user ids through the HTTP contract', () => {
  it.each([
    ['a lone high surrogate', 'a\ud800b', 'lone surrogate U+D800 at index 1'],
    ['a lone low surrogate', 'a\udc00b', 'lone surrogate U+DC00 at index 1'],
    ['NEL U+0085', 'a\u0085b', 'U+0085 at index 1'],
    ['a line separator', 'a\u2028b', 'U+2028 at index 1'],
    ['a zero-width space', 'jane\u200b', 'U+200B at index 4'],
    ['a bidi override', 'a\u202eb', 'U+202E at index 1'],
  ])('answers 400 bad_request for %s, and creates nothing', async (_label, appUserId, detail) => {
    const before = h.calls('POST /v0/accounts');
    for (const method of ['PUT', 'GET']) {
      const response = await ensureAs(appUserId, method);
      expect(response.status).toBe(400);
      const body = parseErrorBody(await response.json());
      expect(body?.error).toMatchObject({ code: 'bad_request', retryable: false });
      expect(body?.error.message).toContain(detail);
    }
    expect(h.calls('POST /v0/accounts')).toBe(before);
  });

  it('gives a\\ufffdb its own account, apart from the refused lone-surrogate ids', async () => {
    const response = await ensureAs('a\ufffdb');
    expect(response.status).toBe(201);
    expect((await ensureAs('a\ud800b')).status).toBe(400);
    expect((await ensureAs('a\udc00b')).status).toBe(400);
  });

  it('treats the decomposed and precomposed spellings of one id as one user (NFC)', async () => {
    const before = h.calls('POST /v0/accounts');
    const decomposed = await ensureAs('Jose\u0301');
    expect(decomposed.status).toBe(201);
    const precomposed = await ensureAs('Jos\u00e9');
    expect(precomposed.status).toBe(200);
    expect(await precomposed.json()).toEqual(await decomposed.json());
    expect(h.calls('POST /v0/accounts')).toBe(before + 1);
    expect(await h.bff.provisioner.getAccount('Jos\u00e9')).toBeDefined();
    expect(await h.bff.provisioner.getAccount('Jose\u0301')).toBeDefined();
  });

  it('refuses the same ids when a host calls the provisioner directly', async () => {
    await expect(h.bff.provisioner.ensureAccount('a\ud800b')).rejects.toMatchObject({
      name: 'AppUserIdError',
      problem: 'lone_surrogate',
    });
    await expect(h.bff.provisioner.getAccount('a\u2029b')).rejects.toMatchObject({
      name: 'AppUserIdError',
      problem: 'control_or_format_character',
    });
  });
});
