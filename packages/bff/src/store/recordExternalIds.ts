import { type Kysely, sql } from 'kysely';
import { AccountStoreConflictError } from '../errors.js';
import type { AccountDatabase } from './schema.js';

/** The external id a user's create is to be made with. */
export interface ExternalIdRecord {
  appUserId: string;
  externalId: string;
  keyVersion: string;
}

/**
 * Records the external id each user's create will be made with, in one auto-committed statement (on the
 * pool, never inside the lock's transaction, so it is durable before the platform call whatever happens
 * next), and returns per user, in order, the id to create with: the one recorded earlier when there is one
 * (a create that may have reached the platform under an older key or generation), else the one given.
 * A user whose external id is already recorded for another user gets an `AccountStoreConflictError`
 * (a broken mapper), as the mapping's own insert does.
 */
export async function recordExternalIds(
  db: Kysely<AccountDatabase>,
  records: readonly ExternalIdRecord[],
): Promise<Array<ExternalIdRecord | AccountStoreConflictError>> {
  if (records.length === 0) return [];
  const ids = records.map((record) => record.appUserId);
  // The CTE's insert is invisible to the outer select (one snapshot): rows recorded earlier come from the
  // select, rows recorded now from `returning`.
  const { rows } = await sql<{ app_user_id: string; external_id: string; key_version: string }>`
    with written as (
      insert into knewton_external_ids (app_user_id, external_id, key_version)
      select * from unnest(${ids}::text[], ${records.map((record) => record.externalId)}::text[], ${records.map((record) => record.keyVersion)}::text[])
      on conflict do nothing
      returning app_user_id, external_id, key_version
    )
    select app_user_id, external_id, key_version from written
    union all
    select app_user_id, external_id, key_version from knewton_external_ids
    where app_user_id = any(${ids}::text[])`.execute(db);
  const recorded = new Map(rows.map((row) => [row.app_user_id, row]));
  return records.map((record) => {
    const row = recorded.get(record.appUserId);
    if (!row)
      return new AccountStoreConflictError(
        'Account store conflict: the external id is already recorded for another app user (check the external id mapper)',
      );
    return { appUserId: row.app_user_id, externalId: row.external_id, keyVersion: row.key_version };
  });
}
