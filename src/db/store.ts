import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { StatementSync } from 'node:sqlite';
import pg from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { isPostgresUrl } from '../config.ts';
import { migrations } from './migrations/index.ts';
import type { Schema } from './schema.ts';
import { NodeSqliteDialect } from './sqlite-dialect.ts';

/** The typed query builder every repository uses. */
export type Db = Kysely<Schema>;

/** Which engine holds the data. */
export type Engine = 'sqlite' | 'postgres';

/**
 * The SQLite connection without the query builder, for the few hot paths where its per-query
 * cost shows (intake appends, bulk writes, reading the event log).
 */
export interface RawSqlite {
  /**
   * A cached prepared statement. Only while holding the connection: inside a transaction or an
   * `exclusive` section of the caller (node:sqlite is synchronous, so nothing runs in between).
   */
  statement(sql: string): StatementSync;
  /** Runs `work` synchronously with the connection held (takes its turn after running transactions). */
  exclusive<T>(work: () => T): Promise<T>;
}

/** The database, whichever engine holds it. */
export interface Store {
  readonly db: Db;
  readonly engine: Engine;
  /** The SQLite file (null on PostgreSQL), for parts that open their own connection. */
  readonly sqliteFile: string | null;
  /** Direct statements on the SQLite connection for hot paths (null on PostgreSQL). */
  readonly sqlite: RawSqlite | null;
  /**
   * Runs `work` in a transaction whose commit need not survive a power loss (PostgreSQL:
   * synchronous_commit off; SQLite: synchronous NORMAL). Only for state derived from durable
   * data, such as the pipeline's results, which are recomputed from the event log if lost.
   */
  relaxedTransaction<T>(work: (trx: Db) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  /** Closes every connection; the store is unusable afterwards. */
  close(): Promise<void>;
}

interface StoreOptions {
  databaseUrl: string;
  poolMax: number;
  timeoutMs: number;
  /** SQLite: checkpoint the WAL in a worker thread (long-running servers). */
  backgroundCheckpoints?: boolean;
}

/** Opens the store named by the URL: `sqlite:<file>` or `postgres://…`. Does not migrate. */
export function openStore(options: StoreOptions): Store {
  return isPostgresUrl(options.databaseUrl) ? openPostgres(options) : openSqlite(options);
}

function openSqlite(options: StoreOptions): Store {
  const file = path.resolve(options.databaseUrl.slice('sqlite:'.length));
  mkdirSync(path.dirname(file), { recursive: true });
  const dialect = new NodeSqliteDialect({
    file,
    busyTimeoutMs: options.timeoutMs,
    backgroundCheckpoints: options.backgroundCheckpoints ?? false,
  });
  const db = new Kysely<Schema>({ dialect, plugins: [new CamelCasePlugin()] });
  return {
    db,
    engine: 'sqlite',
    sqliteFile: file,
    sqlite: {
      statement: (text) => dialect.statement(text),
      exclusive: (work) => db.connection().execute(() => Promise.resolve(work())),
    },
    // The connection is held across the pragma and the transaction, so nothing else runs
    // under the relaxed setting (synchronous cannot change inside a transaction).
    relaxedTransaction: (work) =>
      db.connection().execute(async (connection) => {
        await sql`PRAGMA synchronous = NORMAL`.execute(connection);
        try {
          return await connection.transaction().execute(work);
        } finally {
          await sql`PRAGMA synchronous = FULL`.execute(connection);
        }
      }),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

// bigint (int8) arrives from pg as a string by default; Steady's bigints are epoch
// milliseconds and row ids, which fit a double exactly.
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: (oid, format): unknown => {
    if (oid === pg.types.builtins.INT8 && format !== 'binary')
      return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as unknown;
  },
};

function openPostgres(options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolMax,
    connectionTimeoutMillis: options.timeoutMs,
    query_timeout: options.timeoutMs,
    statement_timeout: options.timeoutMs,
    keepAlive: true,
    types: pgTypes,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    db,
    engine: 'postgres',
    sqliteFile: null,
    sqlite: null,
    relaxedTransaction: (work) =>
      db.transaction().execute(async (trx) => {
        await sql`SET LOCAL synchronous_commit = off`.execute(trx);
        return work(trx);
      }),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** Applies every pending migration; safe to run from several processes at once. */
export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: store.db.withoutPlugins(),
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    throw result.error instanceof Error
      ? result.error
      : new Error('migration failed', { cause: result.error });
  }
  return result;
}

/** Names of migrations the code knows but the database has not applied yet. */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db.withoutPlugins(),
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
