import type { ColumnType } from 'kysely';

/**
 * A learner who opted out of Knewton features. The row's presence is the whole state: `optIn` deletes it.
 * `opted_out_at` is the database's clock when the opt-out was written (after the user's lock was taken),
 * which other processes poll to drop the learner's account from memory.
 */
export interface KnewtonOptOutTable {
  app_user_id: string;
  opted_out_at: ColumnType<Date, Date | undefined, never>;
}

// A type alias, not an interface: Kysely's `withTables` wants an index-signature-compatible shape.
export type OptOutDatabase = {
  knewton_opt_outs: KnewtonOptOutTable;
};
