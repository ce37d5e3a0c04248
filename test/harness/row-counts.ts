import { sql } from 'kysely';
import type { Store } from '../../src/db/store.ts';

/** Row count of every table, to show that a rejected request wrote nothing. */
export async function rowCounts(store: Store): Promise<Record<string, number>> {
  const tables = await store.db.introspection.getTables();
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(table.name)}`.execute(store.db);
    counts[table.name] = row.rows[0]?.n ?? 0;
  }
  return counts;
}
