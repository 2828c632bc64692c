import type { ColumnType } from 'kysely';

/**
 * One of the app's learning instances for a knowledge graph (`shard` 0, 1, ...: the platform holds at most
 * 500 registrations per instance). `learning_instance_id` is null while its create is in flight (or its
 * answer was lost); `name` carries a random tag, so a lost create can be found again among the partner's
 * instances by name. `is_full`: the platform refused a registration there for its entity limit.
 */
export interface KnewtonLearningInstanceTable {
  graph_id: string;
  shard: ColumnType<number, number | undefined, never>;
  name: string;
  learning_instance_id: string | null;
  is_full: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/**
 * One registration per (app user, graph), in one of the graph's instances, beside the account mapping
 * (`app_user_id` references `knewton_accounts`). `registration_id` is null while its create is in flight
 * or after a lost answer; the platform's list of the instance's registrations finds it again by account
 * id. An unconfirmed row may move to another instance after a 422 entity-limit answer (nothing was made).
 */
export interface KnewtonRegistrationTable {
  app_user_id: string;
  graph_id: string;
  learning_instance_id: string;
  registration_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

// A type alias, not an interface: Kysely's `withTables` wants an index-signature-compatible shape.
export type LearningDatabase = {
  knewton_learning_instances: KnewtonLearningInstanceTable;
  knewton_registrations: KnewtonRegistrationTable;
};
