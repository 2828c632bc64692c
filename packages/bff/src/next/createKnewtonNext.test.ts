import { parseErrorBody } from '@knewton-kit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  appOrigin,
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
  testSessionCookie,
} from '../../test/support/createBffHarness.js';
import type { KnewtonBff } from '../KnewtonBffOptions.js';

/** A fresh copy of the module, as Next gives each bundle layer (route handlers, server components). */
async function freshModule() {
  vi.resetModules();
  return import('./createKnewtonNext.js');
}

let name = 0;
/** A name per test, so the process-wide slots of one test never leak into another. */
const uniqueName = () => `test-${++name}-${Math.random()}`;

const put = (
  user: string,
  headers: Record<string, string> = { 'X-CSRF': '1', Origin: appOrigin },
) =>
  new Request('http://app.test/api/knewton/account', {
    method: 'PUT',
    headers: { ...headers, Cookie: `${testSessionCookie}=${user}` },
  });

describe('createKnewtonNext', () => {
  let harness: BffHarness | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it('opens nothing at import or definition time (next build evaluates the module)', async () => {
    const create = vi.fn(async () => ({}) as KnewtonBff);
    const { createKnewtonNext } = await freshModule();
    createKnewtonNext(create, { name: uniqueName() });
    expect(create).not.toHaveBeenCalled();
  });

  it(
    'serves the contract through the route handlers: 401, 403 without CSRF, 201 then 200, 404 JSON',
    async () => {
      harness = await createBffHarness();
      const { bff } = harness;
      const { createKnewtonNext } = await freshModule();
      const knewton = createKnewtonNext(async () => bff, { name: uniqueName() });

      const anonymous = await knewton.GET(new Request('http://app.test/api/knewton/account'));
      expect(anonymous.status).toBe(401);
      expect((await knewton.PUT(put('ada', {}))).status).toBe(403);
      const created = await knewton.PUT(put('ada'));
      expect(created.status).toBe(201);
      const again = await knewton.PUT(put('ada'));
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(await created.json());
      const unknown = await knewton.GET(new Request('http://app.test/api/knewton/nope'));
      expect(unknown.status).toBe(404);
      expect(parseErrorBody(await unknown.json())?.error.code).toBe('not_found');
      expect(harness.calls('POST /v0/accounts')).toBe(1);
    },
    harnessTimeoutMs,
  );

  it(
    'creates one BFF per process however many copies of the module Next evaluates',
    async () => {
      harness = await createBffHarness();
      const { bff } = harness;
      const create = vi.fn(async () => bff);
      const sameName = uniqueName();
      const routeLayer = (await freshModule()).createKnewtonNext(create, { name: sameName });
      const pageLayer = (await freshModule()).createKnewtonNext(create, { name: sameName });

      const [first, second] = await Promise.all([
        routeLayer.PUT(put('grace')),
        pageLayer.PUT(put('grace')),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 201]);
      expect(await pageLayer.bff()).toBe(await routeLayer.bff());
      expect(create).toHaveBeenCalledTimes(1);
      expect(harness.calls('POST /v0/accounts')).toBe(1);
    },
    harnessTimeoutMs,
  );

  it('answers 503 in the contract shape while the factory fails, and tries again on the next request', async () => {
    const onCreateError = vi.fn();
    const working = { fetch: async () => new Response('ok') } as unknown as KnewtonBff;
    const create = vi
      .fn<() => Promise<KnewtonBff>>()
      .mockRejectedValueOnce(new Error('ENOENT: /secret/path'))
      .mockResolvedValue(working);
    const { createKnewtonNext } = await freshModule();
    const knewton = createKnewtonNext(create, { name: uniqueName(), onCreateError });

    const failed = await knewton.PUT(put('ada'));
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Retry-After')).toBe('5');
    const body = await failed.text();
    expect(parseErrorBody(JSON.parse(body))?.error.code).toBe('store_unavailable');
    expect(body).not.toContain('/secret/path');
    expect(onCreateError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'ENOENT: /secret/path' }),
    );

    expect(await (await knewton.PUT(put('ada'))).text()).toBe('ok');
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('refuses a factory that is not a function, naming the option', async () => {
    const { createKnewtonNext } = await freshModule();
    expect(() => createKnewtonNext(undefined as never)).toThrow(/`create` must be a function/);
    expect(() => createKnewtonNext(async () => ({}) as KnewtonBff, { name: '' })).toThrow(/`name`/);
  });
});
