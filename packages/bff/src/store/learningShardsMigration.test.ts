import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateToLatest, migrations } from './migrations.js';
import { createPgliteDialect } from './pgliteDialect.js';

it('keeps a store written before sharding valid: its instance becomes shard 0, its registrations stay', async () => {
  const pglite = new PGlite();
  const db = new Kysely<unknown>({ dialect: createPgliteDialect(pglite) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateTo('2026-12-01-002-knewton-learning-events');
    expect(error).toBeUndefined();
    // What the previous version wrote: one instance of the graph, a confirmed and a claimed registration.
    await sql`insert into knewton_accounts (app_user_id, external_id, key_version, account_id) values ('ada', 'x-ada', 'v1', 'acc-ada'), ('bob', 'x-bob', 'v1', 'acc-bob')`.execute(
      db,
    );
    await sql`insert into knewton_learning_instances (graph_id, name, learning_instance_id) values ('gref-1', 'knewton-kit [abc]', 'inst-1')`.execute(
      db,
    );
    await sql`insert into knewton_registrations (app_user_id, learning_instance_id, registration_id) values ('ada', 'inst-1', 'reg-ada'), ('bob', 'inst-1', null)`.execute(
      db,
    );
    await migrateToLatest(db);
    const instances = await sql<{
      graph_id: string;
      shard: number;
      learning_instance_id: string;
      is_full: boolean;
    }>`select graph_id, shard, learning_instance_id, is_full from knewton_learning_instances`.execute(
      db,
    );
    expect(instances.rows).toEqual([
      { graph_id: 'gref-1', shard: 0, learning_instance_id: 'inst-1', is_full: false },
    ]);
    const registrations = await sql<{
      app_user_id: string;
      graph_id: string;
      registration_id: string | null;
    }>`select app_user_id, graph_id, registration_id from knewton_registrations order by app_user_id`.execute(
      db,
    );
    expect(registrations.rows).toEqual([
      { app_user_id: 'ada', graph_id: 'gref-1', registration_id: 'reg-ada' },
      { app_user_id: 'bob', graph_id: 'gref-1', registration_id: null },
    ]);
    // One registration per learner and graph, whatever the instance, is now the store's own rule.
    await sql`insert into knewton_learning_instances (graph_id, shard, name, learning_instance_id) values ('gref-1', 1, 'knewton-kit [def]', 'inst-2')`.execute(
      db,
    );
    await expect(
      sql`insert into knewton_registrations (app_user_id, graph_id, learning_instance_id) values ('ada', 'gref-1', 'inst-2')`.execute(
        db,
      ),
    ).rejects.toThrow(/knewton_registrations_user_graph/);
  } finally {
    await db.destroy();
  }
}, 60_000);
