/**
 * The warm-path benchmark's "library alone" side: `createKnewtonBff` mounted on @hono/node-server with a
 * trivial `authenticate` (the `bench_user` cookie's value is the user), PGlite in `BENCH_PGLITE_DIR` (seeded
 * with the users' accounts by `seedWarmAccounts.ts`) or PostgreSQL (`BENCH_DATABASE_URL`), the platform at
 * `KNEWTON_API_URL` (the benchmark's simulator process), and the library's defaults for everything else
 * (silent logger, per-user rate limiter). Started as its own process by `warmPathWrk.ts`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createKnewtonBff, createPgliteStore, createPostgresStore } from '@knewton-kit/bff';

const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const bff = await createKnewtonBff({
  authenticate: (request) =>
    /(?:^|;\s*)bench_user=([^;]+)/.exec(request.headers.get('Cookie') ?? '')?.[1],
  platform: {
    baseUrl: required('KNEWTON_API_URL'),
    apiKey: required('KNEWTON_API_KEY'),
    apiSecret: required('KNEWTON_API_SECRET'),
    systemExternalUserId: required('KNEWTON_SYSTEM_EXTERNAL_USER_ID'),
  },
  // BENCH_DATABASE_URL (+ BENCH_DATABASE_SCHEMA): PostgreSQL instead of the PGlite folder.
  store: process.env.BENCH_DATABASE_URL
    ? await createPostgresStore({
        connectionString: process.env.BENCH_DATABASE_URL,
        schema: required('BENCH_DATABASE_SCHEMA'),
      })
    : await createPgliteStore({ dataDir: required('BENCH_PGLITE_DIR') }),
  externalIds: { key: required('KNEWTON_PSEUDONYM_KEY') },
  allowedOrigins: [required('BENCH_ORIGIN')],
  // BENCH_RATE_LIMIT=off: the warm-path sweep's small row sends each user more than the per-user budget.
  ...(process.env.BENCH_RATE_LIMIT === 'off' ? { limits: { rateLimit: false } } : {}),
});

const server = serve({ fetch: bff.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  process.stdout.write(`listening http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => bff.close().then(() => process.exit(0))));
