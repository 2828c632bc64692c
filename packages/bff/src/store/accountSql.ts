import pg from 'pg';
import type { NewAccountRow } from './AccountStore.js';

/**
 * The create path's two statements as plain SQL text, for the simple query protocol: one message and no
 * Parse/Bind/Describe steps, which on PGlite costs about as much as the statement itself (six calls into
 * the WASM instance per parameterised query against two for a simple one) and on PostgreSQL lets the
 * insert travel with its COMMIT. The simple protocol takes no parameters, so values go in as literals
 * escaped by `pg` (`escapeLiteral`: quotes doubled, an `E'…'` string when there is a backslash), which is
 * safe whatever `standard_conforming_strings` says. Kysely builds every other query.
 */

/** The mapping row of one app user, if any. */
export function selectAccountSql(appUserId: string): string {
  return `select * from knewton_accounts where app_user_id = ${pg.escapeLiteral(appUserId)}`;
}

/**
 * Writes one mapping and returns it; returns nothing when one of its keys is already mapped (the caller
 * then tells "the same mapping again" from a conflict, see `insertAccount`).
 */
export function insertAccountSql(row: NewAccountRow): string {
  const values = [row.appUserId, row.externalId, row.keyVersion, row.accountId]
    .map((value) => pg.escapeLiteral(value))
    .join(', ');
  return `insert into knewton_accounts (app_user_id, external_id, key_version, account_id) values (${values}) on conflict do nothing returning *`;
}
