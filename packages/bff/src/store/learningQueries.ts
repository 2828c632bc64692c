import type { Kysely } from 'kysely';
import type { AccountStore } from './AccountStore.js';
import { guardStore } from './accountQueries.js';
import type { LearningDatabase } from './learningSchema.js';
import type { AccountDatabase } from './schema.js';

/** A learning instance row: `learningInstanceId` is undefined while its create is unconfirmed. */
export interface LearningInstanceRow {
  graphId: string;
  shard: number;
  name: string;
  learningInstanceId: string | undefined;
  /** The platform refused a registration there for its entity limit. */
  full: boolean;
  /** Registration rows (claimed or confirmed) the store holds in this instance. */
  registrations: number;
}

/** A registration row: `registrationId` is undefined while its create is unconfirmed. */
export interface RegistrationRow {
  appUserId: string;
  graphId: string;
  learningInstanceId: string;
  registrationId: string | undefined;
}

/**
 * The learning tables, on the account store's own connection (same database, same migrations). Every
 * statement is a single auto-committed one, so a crash leaves either no row or a whole one.
 */
export interface LearningQueries {
  /** The graph's instances, by shard, each with the number of registration rows it holds. */
  instancesOf(graphId: string): Promise<LearningInstanceRow[]>;
  /** Records that a create of this shard's instance is about to be sent; keeps an existing row. */
  claimLearningInstance(graphId: string, shard: number, name: string): Promise<void>;
  confirmLearningInstance(
    graphId: string,
    shard: number,
    learningInstanceId: string,
  ): Promise<void>;
  markLearningInstanceFull(learningInstanceId: string): Promise<void>;
  findRegistration(appUserId: string, graphId: string): Promise<RegistrationRow | undefined>;
  /** Records that a registration create is about to be sent; keeps an existing row. */
  claimRegistration(appUserId: string, graphId: string, learningInstanceId: string): Promise<void>;
  /** Moves an unconfirmed registration row from one instance to another (after a 422 entity limit). */
  moveRegistration(
    appUserId: string,
    graphId: string,
    fromInstanceId: string,
    toInstanceId: string,
  ): Promise<void>;
  confirmRegistration(appUserId: string, graphId: string, registrationId: string): Promise<void>;
}

export function createLearningQueries(store: AccountStore): LearningQueries {
  const db: Kysely<AccountDatabase & LearningDatabase> = store.db.withTables<LearningDatabase>();

  async function instancesOf(graphId: string): Promise<LearningInstanceRow[]> {
    const rows = await db
      .selectFrom('knewton_learning_instances as i')
      .leftJoin('knewton_registrations as r', 'r.learning_instance_id', 'i.learning_instance_id')
      .select(['i.graph_id', 'i.shard', 'i.name', 'i.learning_instance_id', 'i.is_full'])
      .select((eb) => eb.fn.count<string>('r.app_user_id').as('registrations'))
      .where('i.graph_id', '=', graphId)
      .groupBy(['i.graph_id', 'i.shard', 'i.name', 'i.learning_instance_id', 'i.is_full'])
      .orderBy('i.shard')
      .execute();
    return rows.map((row) => ({
      graphId: row.graph_id,
      shard: Number(row.shard),
      name: row.name,
      learningInstanceId: row.learning_instance_id ?? undefined,
      full: row.is_full,
      registrations: Number(row.registrations),
    }));
  }

  async function findRegistration(appUserId: string, graphId: string) {
    const row = await db
      .selectFrom('knewton_registrations')
      .select(['app_user_id', 'graph_id', 'learning_instance_id', 'registration_id'])
      .where('app_user_id', '=', appUserId)
      .where('graph_id', '=', graphId)
      .executeTakeFirst();
    return row
      ? {
          appUserId: row.app_user_id,
          graphId: row.graph_id,
          learningInstanceId: row.learning_instance_id,
          registrationId: row.registration_id ?? undefined,
        }
      : undefined;
  }

  return {
    instancesOf: (graphId) => guardStore('learning instance lookup', () => instancesOf(graphId)),
    claimLearningInstance: (graphId, shard, name) =>
      guardStore('learning instance claim', async () => {
        await db
          .insertInto('knewton_learning_instances')
          .values({ graph_id: graphId, shard, name, learning_instance_id: null })
          .onConflict((conflict) => conflict.columns(['graph_id', 'shard']).doNothing())
          .execute();
      }),
    confirmLearningInstance: (graphId, shard, learningInstanceId) =>
      guardStore('learning instance write', async () => {
        await db
          .updateTable('knewton_learning_instances')
          .set({ learning_instance_id: learningInstanceId })
          .where('graph_id', '=', graphId)
          .where('shard', '=', shard)
          .execute();
      }),
    markLearningInstanceFull: (learningInstanceId) =>
      guardStore('learning instance write', async () => {
        await db
          .updateTable('knewton_learning_instances')
          .set({ is_full: true })
          .where('learning_instance_id', '=', learningInstanceId)
          .execute();
      }),
    findRegistration: (appUserId, graphId) =>
      guardStore('registration lookup', () => findRegistration(appUserId, graphId)),
    claimRegistration: (appUserId, graphId, learningInstanceId) =>
      guardStore('registration claim', async () => {
        // No conflict target: either unique key (user and instance, user and graph) means a row exists.
        await db
          .insertInto('knewton_registrations')
          .values({
            app_user_id: appUserId,
            graph_id: graphId,
            learning_instance_id: learningInstanceId,
            registration_id: null,
          })
          .onConflict((conflict) => conflict.doNothing())
          .execute();
      }),
    moveRegistration: (appUserId, graphId, fromInstanceId, toInstanceId) =>
      guardStore('registration write', async () => {
        await db
          .updateTable('knewton_registrations')
          .set({ learning_instance_id: toInstanceId })
          .where('app_user_id', '=', appUserId)
          .where('graph_id', '=', graphId)
          .where('learning_instance_id', '=', fromInstanceId)
          .where('registration_id', 'is', null)
          .execute();
      }),
    confirmRegistration: (appUserId, graphId, registrationId) =>
      guardStore('registration write', async () => {
        await db
          .updateTable('knewton_registrations')
          .set({ registration_id: registrationId })
          .where('app_user_id', '=', appUserId)
          .where('graph_id', '=', graphId)
          .execute();
      }),
  };
}
