import { sql } from 'kysely';
import type { Store } from '../../src/db/store.ts';

/**
 * A stable text description of the database schema: tables, columns and indexes, sorted.
 * Committed per engine; a migration that changes it must update the snapshot in the same commit.
 */
export async function dumpSchema(store: Store): Promise<string> {
  const lines: string[] = [];
  const tables = (await store.db.introspection.getTables()).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  for (const table of tables) {
    lines.push(`table ${table.name}`);
    for (const column of table.columns) {
      const flags = [
        column.isNullable ? 'null' : 'not null',
        column.hasDefaultValue ? 'default' : '',
        column.isAutoIncrementing ? 'auto' : '',
      ]
        .filter((f) => f !== '')
        .join(', ');
      lines.push(`  ${column.name} ${column.dataType.toLowerCase()} (${flags})`);
    }
  }
  lines.push(...(await indexes(store)));
  return `${lines.join('\n')}\n`;
}

async function indexes(store: Store): Promise<string[]> {
  if (store.engine === 'postgres') {
    const result = await sql<{
      indexdef: string;
    }>`select indexdef from pg_indexes where schemaname = 'public' order by indexname`.execute(
      store.db,
    );
    return result.rows.map((r) => `index ${r.indexdef.replace(/ ON public\./, ' ON ')}`);
  }
  const result = await sql<{
    tbl: string;
    name: string;
    uniq: number;
    partial: number;
    cols: string;
  }>`
    select m.name as tbl, il.name as name, il."unique" as uniq, il.partial as partial,
           (select group_concat(ii.name, ',') from pragma_index_info(il.name) ii) as cols
    from sqlite_master m, pragma_index_list(m.name) il
    where m.type = 'table'
    order by m.name, il.name`.execute(store.db);
  return result.rows.map(
    (r) =>
      `index ${r.name} on ${r.tbl} (${r.cols})${r.uniq ? ' unique' : ''}${r.partial ? ' partial' : ''}`,
  );
}
