/**
 * The warm path at several working-set sizes: the library alone (`libraryServer.ts`) on PGlite and on
 * PostgreSQL, each store seeded directly with N users' mappings (no platform calls, no provisioning),
 * against a bare Hono route, all in the same run, wrk in its own process rotating through all N users.
 * Before the measured rounds every user is asked once (so each account is in the provisioner's cache if
 * the cache holds the working set); the rounds then show whether the warm path still waits on the store.
 * The per-user rate limit is off here (`BENCH_RATE_LIMIT=off`): with 1,000 users each would be asked
 * more often than its budget allows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountStore, createPgliteStore, createPostgresStore } from '@knewton-kit/bff';
// Not public API: the rows are written exactly as the store's batch insert writes them.
import { createExternalIdMapper } from '../../../packages/bff/src/externalId/createExternalIdMapper.js';
import { insertAccounts } from '../../../packages/bff/src/store/findAccountsByAppUserIds.js';
import {
  type Child,
  peakRssMiB,
  requireWrk,
  runWrk,
  startNode,
  type WrkRound,
} from './warmPathWrk.js';

const here = import.meta.dirname;
const origin = 'http://localhost:5173';
const pseudonymKey = randomBytes(32).toString('base64url');

export interface SweepSide {
  name: string;
  rounds: WrkRound[];
  best: number;
  /** Best round over the bare route's best round of the same run. */
  ratio: number | undefined;
  peakRssMiB: number | undefined;
}

export interface SweepRow {
  users: number;
  sides: SweepSide[];
  warmUpSeconds: number;
  load: number;
}

/** Writes `users` mappings straight into the store, 1,000 rows a statement. */
async function seed(store: AccountStore, users: number): Promise<void> {
  const map = createExternalIdMapper({ key: pseudonymKey });
  for (let first = 0; first < users; first += 1_000) {
    const rows = await Promise.all(
      Array.from({ length: Math.min(1_000, users - first) }, async (_, i) => {
        const appUserId = `sweep-user-${first + i}`;
        const { externalId, keyVersion } = await map(appUserId);
        return { appUserId, externalId, keyVersion, accountId: randomBytes(16).toString('hex') };
      }),
    );
    await insertAccounts(store.db, rows);
  }
}

export async function warmPathSweep(options: {
  sizes: number[];
  databaseUrl: string | undefined;
  connections?: number;
  roundSeconds?: number;
  rounds?: number;
  log: (line: string) => void;
}): Promise<SweepRow[]> {
  requireWrk();
  const { log } = options;
  const connections = options.connections ?? 32;
  const roundSeconds = options.roundSeconds ?? 5;
  const roundsWanted = options.rounds ?? 3;
  const results: SweepRow[] = [];
  for (const users of options.sizes) {
    const work = await mkdtemp(join(tmpdir(), 'knewton-sweep-'));
    const schema = `sweep_${randomBytes(4).toString('hex')}`;
    const children: Child[] = [];
    try {
      log(`warm sweep ${users}: seeding PGlite${options.databaseUrl ? ' and PostgreSQL' : ''}...`);
      const pgliteDir = join(work, 'pglite');
      const pglite = await createPgliteStore({ dataDir: pgliteDir });
      await seed(pglite, users).finally(() => pglite.close());
      if (options.databaseUrl) {
        const postgres = await createPostgresStore({
          connectionString: options.databaseUrl,
          schema,
        });
        await seed(postgres, users).finally(() => postgres.close());
      }
      // No platform: a user with an account never reaches it; a call would fail and show as non-2xx.
      const env = {
        KNEWTON_API_URL: 'http://127.0.0.1:9',
        KNEWTON_API_KEY: 'sweep',
        KNEWTON_API_SECRET: 'sweep',
        KNEWTON_SYSTEM_EXTERNAL_USER_ID: 'sweep',
        KNEWTON_PSEUDONYM_KEY: pseudonymKey,
        BENCH_ORIGIN: origin,
        BENCH_RATE_LIMIT: 'off',
      };
      const sides: Array<{
        name: string;
        url: string;
        pid: number | undefined;
        rounds: WrkRound[];
      }> = [];
      const start = async (name: string, file: string, extra: Record<string, string>) => {
        const started = await startNode(
          join(here, file),
          { ...env, ...extra },
          /listening (http:\S+)/,
        );
        children.push(started.child);
        sides.push({
          name,
          url: started.match[1] ?? '',
          pid: started.child.process.pid,
          rounds: [],
        });
      };
      await start('bare Hono route', 'bareServer.ts', {
        BENCH_ACCOUNT_JSON: JSON.stringify({ accountId: 'x'.repeat(32), createdAt: new Date() }),
      });
      await start('library, PGlite', 'libraryServer.ts', { BENCH_PGLITE_DIR: pgliteDir });
      if (options.databaseUrl)
        await start('library, PostgreSQL', 'libraryServer.ts', {
          BENCH_DATABASE_URL: options.databaseUrl,
          BENCH_DATABASE_SCHEMA: schema,
        });
      const cookies = join(work, 'cookies.txt');
      await writeFile(
        cookies,
        `${Array.from({ length: users }, (_, i) => `bench_user=sweep-user-${i}`).join('\n')}\n`,
      );
      // Every user at least once per server: wrk rotates through the file until it went round once.
      const warmUpSeconds = Math.max(3, Math.ceil(users / 1_000));
      log(`warm sweep ${users}: warm-up, ${warmUpSeconds} s per side...`);
      for (const side of sides) {
        // The bare route has no cache to fill.
        const warm = runWrk(side.url, cookies, connections, side === sides[0] ? 3 : warmUpSeconds);
        if (side === sides[0]) continue;
        if (warm.requests < users)
          log(`  ${side.name}: warm-up reached ${warm.requests} of ${users} users only`);
      }
      for (let round = 1; round <= roundsWanted; round++) {
        for (const side of sides) {
          const result = runWrk(side.url, cookies, connections, roundSeconds, side.pid);
          side.rounds.push(result);
          log(
            `  ${users} users, round ${round} ${side.name}: ${Math.round(result.requestsPerSecond)} req/s, non-2xx ${result.non2xx}`,
          );
        }
      }
      const bareBest = Math.max(...(sides[0]?.rounds ?? []).map((r) => r.requestsPerSecond));
      results.push({
        users,
        warmUpSeconds,
        load: loadavg()[0] ?? 0,
        sides: sides.map((side, index) => {
          const best = Math.max(...side.rounds.map((r) => r.requestsPerSecond));
          return {
            name: side.name,
            rounds: side.rounds,
            best,
            ratio: index === 0 ? undefined : best / bareBest,
            peakRssMiB: peakRssMiB(side.pid),
          };
        }),
      });
    } finally {
      for (const child of children.reverse()) await child.stop();
      await rm(work, { recursive: true, force: true });
      if (options.databaseUrl) await dropSchema(options.databaseUrl, schema).catch(() => {});
    }
  }
  return results;
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  try {
    const { sql } = await import('kysely');
    await sql.raw(`drop schema ${schema} cascade`).execute(store.db);
  } finally {
    await store.close();
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function renderSweepRows(rows: SweepRow[]): string {
  const lines = [
    '| users | server | best round (req/s) | each round (req/s) | CPU per request (µs, each round) | non-2xx | best / bare best | goal ≥ 45% of bare | peak RSS | load |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    for (const side of row.sides) {
      const non2xx = side.rounds.reduce((sum, r) => sum + r.non2xx + r.socketErrors, 0);
      const goal =
        side.ratio === undefined
          ? '–'
          : side.ratio >= 0.45
            ? 'met'
            : `**missed** by ${Math.round((0.45 - side.ratio) * 100)} points`;
      lines.push(
        `| ${int(row.users)} | ${side.name} | ${int(side.best)} | ${side.rounds.map((r) => int(r.requestsPerSecond)).join(' / ')} | ${side.rounds.map((r) => r.cpuUsPerRequest?.toFixed(1) ?? '?').join(' / ')} | ${non2xx} | ${side.ratio === undefined ? '–' : `${Math.round(side.ratio * 100)}%`} | ${goal} | ${side.peakRssMiB === undefined ? '–' : `${side.peakRssMiB.toFixed(0)} MiB`} | ${row.load.toFixed(2)} |`,
      );
    }
  }
  return lines.join('\n');
}
