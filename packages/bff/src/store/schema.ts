import type { ColumnType } from 'kysely';

/**
 * The one table. `app_user_id` is the host's own opaque user id, stored as given: it is the only way to
 * find a user's row again after the HMAC key rotates (old rows keep the external id and `key_version`
 * they were created with). Nothing else about the user is stored: no email, no name, no profile.
 */
export interface KnewtonAccountTable {
  app_user_id: string;
  external_id: string;
  key_version: string;
  account_id: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/**
 * The external id each user's create is (or was) made with, written and committed before the platform
 * call. Removed with the mapping by an erasure.
 */
export interface KnewtonExternalIdTable {
  app_user_id: string;
  external_id: string;
  key_version: string;
  recorded_at: ColumnType<Date, Date | undefined, never>;
}

/**
 * One per erased learner, keyed by `ExternalIdMapper.userKeys` (an HMAC of the app user id): the number of
 * erasures so far and, while the platform's `DELETE` is not confirmed, the account to delete.
 */
export interface KnewtonErasureTable {
  user_key: string;
  generation: number;
  account_id: string | null;
  /**
   * While `account_id` is set: a JSON array of the learner's platform registration ids still to delete
   * (never an app user id); `null` when there were none or all are confirmed.
   */
  registration_ids: string | null;
  requested_at: ColumnType<Date, Date | undefined, Date>;
  erased_at: Date | null;
}

export interface AccountDatabase {
  knewton_accounts: KnewtonAccountTable;
  knewton_external_ids: KnewtonExternalIdTable;
  knewton_erasures: KnewtonErasureTable;
}
