import type { Insertable, Selectable } from 'kysely';
import pg from 'pg';
import type { AccountRow, NewAccountRow } from './AccountStore.js';
import type { KnewtonAccountTable } from './schema.js';

/**
 * The create path's two statements as plain SQL for the simple query protocol: one message, no
 * Parse/Bind/Describe (on PGlite those cost about as much as the statement; on PostgreSQL the insert can
 * travel with its COMMIT). It takes no parameters, so values are literals escaped by `pg`'s `escapeLiteral`,
 * safe whatever `standard_conforming_strings` says. Kysely builds every other query.
 */

/** A row as the store hands it out: the one place the snake_case table meets the camelCase row. */
export function toAccountRow(row: Selectable<KnewtonAccountTable>): AccountRow {
  return {
    appUserId: row.app_user_id,
    externalId: row.external_id,
    keyVersion: row.key_version,
    accountId: row.account_id,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  };
}

/** A new mapping as the table's columns (the other direction). */
export function toAccountValues(row: NewAccountRow): Insertable<KnewtonAccountTable> {
  return {
    app_user_id: row.appUserId,
    external_id: row.externalId,
    key_version: row.keyVersion,
    account_id: row.accountId,
  };
}

/** A string as an SQL literal, for the simple query protocol (see above). */
export function sqlLiteral(value: string): string {
  return pg.escapeLiteral(value);
}

/** The mapping row of one app user, if any. */
export function selectAccountSql(appUserId: string): string {
  return `select * from knewton_accounts where app_user_id = ${sqlLiteral(appUserId)}`;
}

/**
 * Writes one mapping and returns it; returns nothing when one of its keys is already mapped (the caller
 * then tells "the same mapping again" from a conflict, see `insertAccount`).
 */
export function insertAccountSql(row: NewAccountRow): string {
  const values = toAccountValues(row);
  const columns = Object.keys(values).join(', ');
  const literals = Object.values(values)
    .map((value) => sqlLiteral(value as string))
    .join(', ');
  return `insert into knewton_accounts (${columns}) values (${literals}) on conflict do nothing returning *`;
}
