import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoreRow } from './findAnomalies.js';

/** A database of its own on the server of `TEST_DATABASE_URL`, created for one scenario and dropped after. */
export interface TestDatabase {
  name: string;
  /** `DATABASE_URL` for the BFFs. */
  url: string;
  /** Every row of the BFF's `knewton_accounts` table. */
  rows(): Promise<StoreRow[]>;
  /** `pg_terminate_backend` on every connection to this database; resolves with how many were cut. */
  terminateConnections(): Promise<number>;
  /** Refuses (false) or allows (true) new connections, as a database that went away and came back. */
  allowConnections(allow: boolean): Promise<void>;
  drop(): Promise<void>;
}

export const databaseUrlVariable = 'TEST_DATABASE_URL';

export function testDatabaseUrl(): string | undefined {
  const url = process.env[databaseUrlVariable];
  return url === undefined || url.trim() === '' ? undefined : url;
}

/** CREATEs `chaos_<random>` through `baseUrl`'s server; all admin work runs on `baseUrl`'s own database. */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `chaos_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  admin.on('error', () => {});
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async rows() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const result = await client.query<{ app_user_id: string; account_id: string }>(
          'select app_user_id, account_id from knewton_accounts',
        );
        return result.rows.map((row) => ({
          appUserId: row.app_user_id,
          accountId: row.account_id,
        }));
      } finally {
        await client.end();
      }
    },
    async terminateConnections() {
      const result = await admin.query(
        'select pg_terminate_backend(pid) as cut from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      return result.rows.filter((row: { cut: boolean }) => row.cut).length;
    },
    async allowConnections(allow) {
      await admin.query(
        `alter database ${name} with allow_connections ${allow ? 'true' : 'false'}`,
      );
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await admin.query(`alter database ${name} with allow_connections true`);
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
