/**
 * The warm-path benchmark's baseline: a bare Hono route on @hono/node-server answering `PUT
 * /api/knewton/account` with the same JSON the BFF answers (given as `BENCH_ACCOUNT_JSON`), no checks, no
 * store. Started as its own process by `warmPathWrk.ts`; prints `listening <url>` once it accepts.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const account: unknown = JSON.parse(process.env.BENCH_ACCOUNT_JSON ?? '{}');
const app = new Hono();
app.put('/api/knewton/account', (c) => c.json(account, 200));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  process.stdout.write(`listening http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
