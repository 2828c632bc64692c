import { type Kysely, sql } from 'kysely';
import { AccountStoreConflictError } from '../errors.js';
import type { AccountDatabase } from './schema.js';

/** The external id a user's create is to be made with. */
export interface ExternalIdRecord {
  appUserId: string;
  externalId: string;
  keyVersion: string;
}

/** What `recordExternalIds` needs to know per user besides the id: the erasure generation it was derived for. */
export interface ExternalIdClaim extends ExternalIdRecord {
  /** Erasures the id was derived after (0: never erased). */
  generation: number;
  /** The user's tombstone keys (`ExternalIdMapper.userKeys`); empty: no erasure check. */
  userKeys: readonly string[];
}

/** Per user: the id to create with, or why not now. */
export type ExternalIdClaimResult =
  | ExternalIdRecord
  /** An erasure of the user is not finished: nothing may be created for them until it is. */
  | { appUserId: string; erasing: true }
  /** The user was erased since the id was derived: derive it again for this generation. */
  | { appUserId: string; generation: number }
  | AccountStoreConflictError;

interface ClaimRow {
  app_user_id: string;
  external_id: string | null;
  key_version: string | null;
  erasing: boolean | null;
  generation: number | null;
}

/**
 * Records the external id each user's create will be made with, in one auto-committed statement (on the
 * pool, never inside the lock's transaction, so it is durable before the platform call whatever happens
 * next), and returns per user, in order, the id to create with: the one recorded earlier when there is one
 * (a create that may have reached the platform under an older key), else the one given. Users whose
 * tombstone says an erasure is in progress, or a generation other than the claim's, are not recorded.
 * A user whose external id is already recorded for another user gets an `AccountStoreConflictError`
 * (a broken mapper), as the mapping's own insert does.
 */
export async function recordExternalIds(
  db: Kysely<AccountDatabase>,
  claims: readonly ExternalIdClaim[],
): Promise<ExternalIdClaimResult[]> {
  if (claims.length === 0) return [];
  const ids = claims.map((claim) => claim.appUserId);
  const keyed = claims.flatMap((claim) =>
    claim.userKeys.map((userKey) => ({
      id: claim.appUserId,
      userKey,
      generation: claim.generation,
    })),
  );
  // The CTE's insert is invisible to the outer selects (one snapshot): rows recorded earlier come from the
  // second select, rows recorded now from `returning`.
  const { rows } = await sql<ClaimRow>`
    with keyed as (
      select * from unnest(${keyed.map((k) => k.id)}::text[], ${keyed.map((k) => k.userKey)}::text[], ${keyed.map((k) => k.generation)}::int[])
        as k(app_user_id, user_key, generation)
    ),
    blocked as (
      select k.app_user_id, bool_or(e.account_id is not null) as erasing, max(e.generation) as generation
      from keyed k join knewton_erasures e on e.user_key = k.user_key
      where e.account_id is not null or e.generation <> k.generation
      group by k.app_user_id
    ),
    written as (
      insert into knewton_external_ids (app_user_id, external_id, key_version)
      select * from unnest(${ids}::text[], ${claims.map((c) => c.externalId)}::text[], ${claims.map((c) => c.keyVersion)}::text[])
        as w(app_user_id, external_id, key_version)
      where w.app_user_id not in (select app_user_id from blocked)
      on conflict do nothing
      returning app_user_id, external_id, key_version
    )
    select app_user_id, external_id, key_version, null::boolean as erasing, null::int as generation from written
    union all
    select app_user_id, external_id, key_version, null, null from knewton_external_ids
      where app_user_id = any(${ids}::text[])
    union all
    select app_user_id, null, null, erasing, generation from blocked`.execute(db);
  const recorded = new Map<string, ClaimRow>();
  const blocked = new Map<string, ClaimRow>();
  for (const row of rows) (row.external_id === null ? blocked : recorded).set(row.app_user_id, row);
  return claims.map(({ appUserId }) => {
    const row = recorded.get(appUserId);
    if (row) {
      return {
        appUserId,
        externalId: row.external_id as string,
        keyVersion: row.key_version as string,
      };
    }
    const stop = blocked.get(appUserId);
    if (stop?.erasing) return { appUserId, erasing: true };
    if (stop) return { appUserId, generation: Number(stop.generation) };
    return new AccountStoreConflictError(
      'Account store conflict: the external id is already recorded for another app user (check the external id mapper)',
    );
  });
}
