import type { ColumnType } from 'kysely';

/**
 * The app's learning instance for one knowledge graph. `learning_instance_id` is null while its create
 * is in flight (or its answer was lost); `name` carries a random tag, so a lost create can be found
 * again among the partner's instances by name.
 */
export interface KnewtonLearningInstanceTable {
  graph_id: string;
  name: string;
  learning_instance_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/**
 * One registration per (app user, learning instance), beside the account mapping (`app_user_id`
 * references `knewton_accounts`). `registration_id` is null while its create is in flight or after a
 * lost answer; the platform's list of the instance's registrations finds it again by account id.
 */
export interface KnewtonRegistrationTable {
  app_user_id: string;
  learning_instance_id: string;
  registration_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

// A type alias, not an interface: Kysely's `withTables` wants an index-signature-compatible shape.
export type LearningDatabase = {
  knewton_learning_instances: KnewtonLearningInstanceTable;
  knewton_registrations: KnewtonRegistrationTable;
};
