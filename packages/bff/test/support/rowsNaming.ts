import { sql } from 'kysely';
import type { ProvisioningHarness } from './provisioningHarness.js';

/** Every table of the store and how many of its rows name the user, by any column (a text search). */
export async function rowsNaming(
  h: ProvisioningHarness,
  text: string,
): Promise<Record<string, number>> {
  const db = h.testStore.store.db;
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_name like 'knewton_%'`.execute(db);
  const found: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await sql<{ count: number }>`
      select count(*)::int as count from ${sql.table(table)} t where t::text like ${`%${text}%`}`.execute(
      db,
    );
    if ((rows[0]?.count ?? 0) > 0) found[table] = rows[0]?.count ?? 0;
  }
  return found;
}
