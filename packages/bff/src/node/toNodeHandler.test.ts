import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appOrigin,
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
  testSessionCookie,
} from '../../test/support/createBffHarness.js';
import type { KnewtonBff } from '../KnewtonBffOptions.js';
import { mountKnewtonBff, toNodeHandler } from './toNodeHandler.js';

/** A stand-in BFF that answers with what it received, to see exactly what reached it. */
const echoBff: Pick<KnewtonBff, 'fetch'> = {
  fetch: async (request) =>
    Response.json({
      method: request.method,
      path: new URL(request.url).pathname + new URL(request.url).search,
      body: await request.text(),
    }),
};

let server: Server | undefined;
let harness: BffHarness | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
  await harness?.dispose();
  harness = undefined;
});

async function listen(app: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An Express 5 app with the kit mounted and a catch-all of its own, to see what falls through. */
function expressApp(bff: Pick<KnewtonBff, 'fetch'>, { json }: { json: boolean }) {
  const app = express();
  if (json) app.use(express.json());
  mountKnewtonBff(app, bff);
  app.use((request, response) => {
    response.status(418).json({ app: 'host', path: request.originalUrl });
  });
  return app;
}

describe('toNodeHandler in Express 5', () => {
  it('takes /api/knewton and /api/knewton/... and leaves /api/knewtonx to the host', async () => {
    const url = await listen(expressApp(echoBff, { json: false }));
    expect(await (await fetch(`${url}/api/knewton/account`)).json()).toMatchObject({
      path: '/api/knewton/account',
    });
    expect(await (await fetch(`${url}/api/knewton?x=1`)).json()).toMatchObject({
      path: '/api/knewton?x=1',
    });
    const other = await fetch(`${url}/api/knewtonx/account`);
    expect(other.status).toBe(418);
    expect(await other.json()).toEqual({ app: 'host', path: '/api/knewtonx/account' });
    expect((await fetch(`${url}/lessons`)).status).toBe(418);
  });

  for (const json of [false, true]) {
    it(`passes the body through ${json ? 'after express.json() read it' : 'with no body parser'}`, async () => {
      const url = await listen(expressApp(echoBff, { json }));
      const answer = await fetch(`${url}/api/knewton/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{ "events": [ { "id": "e1" } ] }',
      });
      const { body } = (await answer.json()) as { body: string };
      expect(JSON.parse(body)).toEqual({ events: [{ id: 'e1' }] });
    });
  }

  it('keeps a mount path: app.use("/api", handler) still sees /api/knewton/...', async () => {
    const app = express();
    app.use('/api', toNodeHandler(echoBff));
    const url = await listen(app);
    expect(await (await fetch(`${url}/api/knewton/account`)).json()).toMatchObject({
      path: '/api/knewton/account',
    });
  });

  it(
    'answers a PUT with {} after express.json() like the BFF itself: 201, then 200 (not 500)',
    async () => {
      harness = await createBffHarness();
      const url = await listen(expressApp(harness.bff, { json: true }));
      const put = () =>
        fetch(`${url}/api/knewton/account`, {
          method: 'PUT',
          headers: {
            'Content-Type': 'application/json',
            'X-CSRF': '1',
            Origin: appOrigin,
            Cookie: `${testSessionCookie}=ada`,
          },
          body: '{}',
        });
      expect((await put()).status).toBe(201);
      expect((await put()).status).toBe(200);
      const unknown = await fetch(`${url}/api/knewton/nope`);
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).error.code).toBe('not_found');
    },
    harnessTimeoutMs,
  );
});

describe('toNodeHandler in plain node:http', () => {
  it(
    'answers every path with the BFF (its own 404 JSON outside the base path)',
    async () => {
      harness = await createBffHarness();
      const url = await listen(toNodeHandler(harness.bff));
      const outside = await fetch(`${url}/elsewhere`);
      expect(outside.status).toBe(404);
      expect((await outside.json()).error.code).toBe('not_found');
    },
    harnessTimeoutMs,
  );

  it('refuses a malformed basePath, naming the option', () => {
    expect(() => toNodeHandler(echoBff, { basePath: 'api/knewton' })).toThrow(/`basePath`/);
    expect(() => toNodeHandler(echoBff, { basePath: '/api/knewton/' })).toThrow(/`basePath`/);
  });
});
