import type { Insertable } from 'kysely';
import type { SQLInputValue } from 'node:sqlite';
import type { Schema } from './schema.ts';
import type { Db, Store } from './store.ts';

// Writing many rows of one shape. SQLite: one single-row statement, compiled once and run per
// row directly on the connection (no per-row query-builder cost; a prepared multi-row INSERT
// would cost ~0.6 MB per 400 rows, and each row count would be another statement).
// PostgreSQL: multi-row statements, one round trip per chunk.

const compiled = new Map<string, { sql: string; columns: string[] }>();
const pgChunkParameters = 30_000;

type Table = keyof Schema;

function compileOne<T extends Table>(
  db: Db,
  table: T,
  row: Insertable<Schema[T]>,
  upsertOnId: boolean,
): { sql: string; columns: string[] } {
  const columns = Object.keys(row);
  const key = `${table}|${upsertOnId ? 'upsert' : 'insert'}|${columns.join(',')}`;
  let entry = compiled.get(key);
  if (entry === undefined) {
    // Kysely's types cannot follow a table chosen at run time; the row's keys are the columns.
    const base = db.insertInto(table).values(row);
    const query = upsertOnId
      ? base.onConflict((oc) =>
          oc
            .column('id' as never)
            .doUpdateSet(
              (eb) =>
                Object.fromEntries(
                  columns
                    .filter((c) => c !== 'id')
                    .map((c) => [c, eb.ref(`excluded.${c}` as never)]),
                ) as never,
            ),
        )
      : base;
    entry = { sql: query.compile().sql, columns };
    compiled.set(key, entry);
  }
  return entry;
}

type Target = Pick<Store, 'sqlite'>;

async function write<T extends Table>(
  db: Db,
  store: Target,
  table: T,
  rows: readonly Insertable<Schema[T]>[],
  upsertOnId: boolean,
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  if (store.sqlite !== null) {
    // The caller's transaction holds the connection, so the statement runs inside it.
    const { sql, columns } = compileOne(db, table, first, upsertOnId);
    const statement = store.sqlite.statement(sql);
    for (const row of rows)
      statement.run(
        ...columns.map((c) => ((row as Record<string, unknown>)[c] ?? null) as SQLInputValue),
      );
    return;
  }
  const perRow = Object.keys(first).length;
  const chunk = Math.max(1, Math.floor(pgChunkParameters / perRow));
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk);
    const base = db.insertInto(table).values(slice);
    if (!upsertOnId) {
      await base.execute();
      continue;
    }
    const columns = Object.keys(first).filter((c) => c !== 'id');
    await base
      .onConflict((oc) =>
        oc
          .column('id' as never)
          .doUpdateSet(
            (eb) =>
              Object.fromEntries(
                columns.map((c) => [c, eb.ref(`excluded.${c}` as never)]),
              ) as never,
          ),
      )
      .execute();
  }
}

/** Inserts rows that all have the same keys, inside the caller's transaction `db`. */
export function insertRows<T extends Table>(
  db: Db,
  store: Target,
  table: T,
  rows: readonly Insertable<Schema[T]>[],
): Promise<void> {
  return write(db, store, table, rows, false);
}

/** Inserts rows, or overwrites the row with the same id. Rows must all have the same keys. */
export function upsertRowsById<T extends Table>(
  db: Db,
  store: Target,
  table: T,
  rows: readonly Insertable<Schema[T]>[],
): Promise<void> {
  return write(db, store, table, rows, true);
}
