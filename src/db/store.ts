import path from 'node:path';
import type { StatementSync } from 'node:sqlite';
import pg from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { isPostgresUrl } from '../config.ts';
import { ensurePrivateDir, ensurePrivateFile } from '../platform/file-modes.ts';
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
  /**
   * Runs `work` synchronously with the connection held (takes its turn after running
   * transactions). `work` must begin with BEGIN IMMEDIATE: when another process holds the
   * write lock that fails before anything is done, and `work` runs again once the lock is free.
   */
  exclusive<T>(work: () => T, lockWaitMs?: number): Promise<T>;
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
  /**
   * Throws when a write could not start within `waitMs` because another process holds the
   * database's write lock (SQLite; on PostgreSQL rows are locked, not the database: no-op).
   */
  probeWriteLock(waitMs: number): Promise<void>;
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

/**
 * Longest wait for another process's SQLite write lock before the write fails (and intake
 * answers 503 with Retry-After): under 2 s, so a sender always has its answer within 2 s.
 */
export const sqliteLockWaitMs = 1500;

function openSqlite(options: StoreOptions): Store {
  const file = path.resolve(options.databaseUrl.slice('sqlite:'.length));
  ensurePrivateDir(path.dirname(file));
  ensurePrivateFile(file);
  const dialect = new NodeSqliteDialect({
    file,
    lockWaitMs: Math.min(options.timeoutMs, sqliteLockWaitMs),
    backgroundCheckpoints: options.backgroundCheckpoints ?? false,
  });
  const db = new Kysely<Schema>({ dialect, plugins: [new CamelCasePlugin()] });
  return {
    db,
    engine: 'sqlite',
    sqliteFile: file,
    sqlite: {
      statement: (text) => dialect.statement(text),
      exclusive: (work, lockWaitMs) => dialect.exclusive(work, lockWaitMs),
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
    probeWriteLock: (waitMs) => dialect.probeWriteLock(waitMs),
    close: () => db.destroy(),
  };
}

/** Longest wait to connect to PostgreSQL or for a free pooled connection. */
export const postgresConnectWaitMs = 1500;

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
    // Connecting, and waiting for a free connection, are bounded tighter than queries, so
    // that a database that refuses or swallows connections is a 503 within 2 s, not 5.
    connectionTimeoutMillis: Math.min(options.timeoutMs, postgresConnectWaitMs),
    query_timeout: options.timeoutMs,
    statement_timeout: options.timeoutMs,
    keepAlive: true,
    types: pgTypes,
  });
  // A client losing its connection must not crash the process: the pool replaces an idle one,
  // and one in use fails its query (the caller answers 503). Without a listener on the client
  // itself, a connection dropped while the client is checked out between two queries of a
  // transaction is an 'error' event nobody handles, which ends the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
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
    probeWriteLock: () => Promise.resolve(),
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
