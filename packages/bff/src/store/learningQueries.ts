import type { Kysely } from 'kysely';
import type { AccountStore } from './AccountStore.js';
import { guardStore } from './accountQueries.js';
import type { LearningDatabase } from './learningSchema.js';
import type { AccountDatabase } from './schema.js';

/** A learning instance row: `learningInstanceId` is undefined while its create is unconfirmed. */
export interface LearningInstanceRow {
  graphId: string;
  name: string;
  learningInstanceId: string | undefined;
}

/** A registration row: `registrationId` is undefined while its create is unconfirmed. */
export interface RegistrationRow {
  appUserId: string;
  learningInstanceId: string;
  registrationId: string | undefined;
}

/**
 * The learning tables, on the account store's own connection (same database, same migrations). Every
 * statement is a single auto-committed one, so a crash leaves either no row or a whole one.
 */
export interface LearningQueries {
  findLearningInstance(graphId: string): Promise<LearningInstanceRow | undefined>;
  /** Records that a create of this graph's instance is about to be sent; keeps an existing row. */
  claimLearningInstance(graphId: string, name: string): Promise<LearningInstanceRow>;
  confirmLearningInstance(graphId: string, learningInstanceId: string): Promise<void>;
  findRegistration(
    appUserId: string,
    learningInstanceId: string,
  ): Promise<RegistrationRow | undefined>;
  /** Records that a registration create is about to be sent; keeps an existing row. */
  claimRegistration(appUserId: string, learningInstanceId: string): Promise<void>;
  confirmRegistration(
    appUserId: string,
    learningInstanceId: string,
    registrationId: string,
  ): Promise<void>;
}

export function createLearningQueries(store: AccountStore): LearningQueries {
  const db: Kysely<AccountDatabase & LearningDatabase> = store.db.withTables<LearningDatabase>();

  async function findLearningInstance(graphId: string) {
    const row = await db
      .selectFrom('knewton_learning_instances')
      .select(['graph_id', 'name', 'learning_instance_id'])
      .where('graph_id', '=', graphId)
      .executeTakeFirst();
    return row
      ? {
          graphId: row.graph_id,
          name: row.name,
          learningInstanceId: row.learning_instance_id ?? undefined,
        }
      : undefined;
  }

  async function findRegistration(appUserId: string, learningInstanceId: string) {
    const row = await db
      .selectFrom('knewton_registrations')
      .select(['app_user_id', 'learning_instance_id', 'registration_id'])
      .where('app_user_id', '=', appUserId)
      .where('learning_instance_id', '=', learningInstanceId)
      .executeTakeFirst();
    return row
      ? {
          appUserId: row.app_user_id,
          learningInstanceId: row.learning_instance_id,
          registrationId: row.registration_id ?? undefined,
        }
      : undefined;
  }

  return {
    findLearningInstance: (graphId) =>
      guardStore('learning instance lookup', () => findLearningInstance(graphId)),
    claimLearningInstance: (graphId, name) =>
      guardStore('learning instance claim', async () => {
        await db
          .insertInto('knewton_learning_instances')
          .values({ graph_id: graphId, name, learning_instance_id: null })
          .onConflict((conflict) => conflict.column('graph_id').doNothing())
          .execute();
        const row = await findLearningInstance(graphId);
        if (!row) throw new Error('the claimed learning instance row is missing');
        return row;
      }),
    confirmLearningInstance: (graphId, learningInstanceId) =>
      guardStore('learning instance write', async () => {
        await db
          .updateTable('knewton_learning_instances')
          .set({ learning_instance_id: learningInstanceId })
          .where('graph_id', '=', graphId)
          .execute();
      }),
    findRegistration: (appUserId, learningInstanceId) =>
      guardStore('registration lookup', () => findRegistration(appUserId, learningInstanceId)),
    claimRegistration: (appUserId, learningInstanceId) =>
      guardStore('registration claim', async () => {
        await db
          .insertInto('knewton_registrations')
          .values({
            app_user_id: appUserId,
            learning_instance_id: learningInstanceId,
            registration_id: null,
          })
          .onConflict((conflict) =>
            conflict.columns(['app_user_id', 'learning_instance_id']).doNothing(),
          )
          .execute();
      }),
    confirmRegistration: (appUserId, learningInstanceId, registrationId) =>
      guardStore('registration write', async () => {
        await db
          .updateTable('knewton_registrations')
          .set({ registration_id: registrationId })
          .where('app_user_id', '=', appUserId)
          .where('learning_instance_id', '=', learningInstanceId)
          .execute();
      }),
  };
}
