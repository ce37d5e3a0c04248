import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { isDatabaseBusy } from './errors.ts';
import { SqliteCheckpointer } from './sqlite-checkpointer.ts';

/** Options for the embedded SQLite store. */
export interface NodeSqliteOptions {
  /** File path of the database (created when missing). */
  file: string;
  /**
   * How long a write waits for another process's write lock before it fails with SQLITE_BUSY
   * (which callers answer with 503), in ms. The wait is asynchronous (see `waitForLock`).
   */
  lockWaitMs: number;
  /** Checkpoint the WAL in a worker thread instead of on the event loop (the server does). */
  backgroundCheckpoints?: boolean;
  /** With background checkpoints: WAL frames beyond which the log is rewound (tests lower it). */
  walRestartFrames?: number;
}

/**
 * Page size of a database Steady creates. Every page a commit changes goes to the WAL as one
 * frame (two writes: frame header, then page), and the checkpointer later copies it (a read
 * and a write). With 16 KB pages a single-alert request costs 1.8 of these calls instead of
 * 4.6 with SQLite's default 4 KB, and on a virtual machine, where a system call is dear, they
 * were a large share of its cost (ADR 0002 §19).
 */
export const newDatabasePageSize = 16_384;

/** WAL size beyond which the checkpointer rewinds the log (see sqlite-checkpointer.ts). */
const walRestartBytes = 32 * 1_048_576;

/**
 * The rewind threshold in WAL frames for a database's page size: one frame holds one page, so
 * the threshold stays 32 MB of WAL whatever the page size (2,048 frames at 16 KB, 8,192 at
 * the 4 KB of a database created before Steady chose 16 KB).
 */
export function walRestartFramesFor(pageSize: number): number {
  return Math.ceil(walRestartBytes / pageSize);
}

/**
 * SQLite's own busy wait, per attempt. node:sqlite is synchronous, so SQLite's busy handler
 * sleeps on the event loop: with a 5 s timeout, one other process holding the write lock
 * froze every request, /healthz included, for as long as it held it. So SQLite waits only this
 * long, and the waiting beyond it happens between attempts, asynchronously.
 */
const syncBusyMs = 5;

/** After a write waited its whole budget for the lock, later writes fail fast for this long. */
const lockedFailFastMs = 1000;

/** Pauses between attempts to take a lock another process holds (ms), then the last repeats. */
const lockRetryDelaysMs = [5, 10, 20, 40, 80, 100];

const statementCacheSize = 500;
const maxCachedSqlLength = 4096;

/**
 * Kysely dialect for Node's built-in `node:sqlite`. Kysely ships a dialect for better-sqlite3
 * only; this one exists so that Steady needs no native add-on, and so that every transaction
 * starts with BEGIN IMMEDIATE (a deferred transaction that reads and then writes can fail with
 * SQLITE_BUSY in WAL mode even with a busy timeout).
 */
export class NodeSqliteDialect implements Dialect {
  readonly #options: NodeSqliteOptions;
  #driver: NodeSqliteDriver | undefined;
  constructor(options: NodeSqliteOptions) {
    this.#options = options;
  }
  createDriver(): Driver {
    this.#driver = new NodeSqliteDriver(this.#options);
    return this.#driver;
  }
  /**
   * A cached prepared statement on the connection, for hot paths that skip the query builder.
   * Only for a caller that holds the connection (inside its transaction or exclusive section):
   * node:sqlite is synchronous, so nothing else can run in between.
   */
  statement(sql: string): StatementSync {
    const connection = this.#driver?.connection;
    if (connection === undefined) throw new Error('The SQLite store is not open');
    return connection.statement(sql);
  }
  /**
   * Runs synchronous `work` with the connection held. `work` must start its transaction with
   * BEGIN IMMEDIATE before anything else, so that a lock held by another process fails it
   * before it has done anything; it is then run again once the lock is free (see waitForLock).
   */
  exclusive<T>(work: () => T, lockWaitMs?: number): Promise<T> {
    const driver = this.#driver;
    if (driver === undefined) return Promise.reject(new Error('The SQLite store is not open'));
    return driver.exclusive(work, lockWaitMs);
  }
  /** Fails with SQLITE_BUSY when the write lock cannot be had within `waitMs` (readiness). */
  async probeWriteLock(waitMs: number): Promise<void> {
    const driver = this.#driver;
    if (driver === undefined) throw new Error('The SQLite store is not open');
    await driver.exclusive(() => {
      const connection = driver.connection as NodeSqliteConnection;
      connection.statement('BEGIN IMMEDIATE').run();
      connection.statement('ROLLBACK').run();
    }, waitMs);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SharedConnectionAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * SQLite's adapter, except that Kysely does not put its own mutex around the connection: the
 * driver below has one, and it must be the only one, because a write waiting for another
 * process's lock hands the connection to other queries between its attempts (waitForLock).
 * Under Kysely's mutex every read waited behind that write.
 */
class SharedConnectionAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

/**
 * One connection shared by the whole process, handed out under a mutex: node:sqlite is
 * synchronous, so one connection is as fast as many, and the mutex keeps a transaction that
 * awaits between statements from interleaving with other queries.
 */
class NodeSqliteDriver implements Driver {
  readonly #options: NodeSqliteOptions;
  #connection: NodeSqliteConnection | undefined;
  #checkpointer: SqliteCheckpointer | undefined;
  #queue: (() => void)[] = [];
  #busy = false;
  /** Until then (performance.now()), another process was last seen holding the write lock. */
  #lockedUntil = 0;

  constructor(options: NodeSqliteOptions) {
    this.#options = options;
  }

  init(): Promise<void> {
    const db = new DatabaseSync(this.#options.file, { timeout: syncBusyMs });
    // Before WAL mode, so it takes effect only where the file is new: an existing database
    // keeps the page size it was created with.
    db.exec(`PRAGMA page_size = ${String(newDatabasePageSize)}`);
    // WAL lets readers run beside the writer; synchronous=FULL makes a commit survive power loss
    // (NORMAL may roll back the last transactions after an OS crash, which would break
    // "accepted means stored").
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec(`PRAGMA busy_timeout = ${String(syncBusyMs)}`);
    if (this.#options.backgroundCheckpoints) {
      db.exec('PRAGMA wal_autocheckpoint = 0');
      this.#checkpointer = new SqliteCheckpointer(this.#options.file, {
        intervalMs: 200,
        restartFrames:
          this.#options.walRestartFrames ??
          walRestartFramesFor(db.prepare('PRAGMA page_size').get()?.page_size as number),
        holdConnection: async () => {
          await this.acquireConnection();
          return () => void this.releaseConnection();
        },
        // Without the thread, fall back to SQLite's own checkpoints on the main connection.
        onError: () => db.exec('PRAGMA wal_autocheckpoint = 1000'),
      });
    }
    this.#connection = new NodeSqliteConnection(db, (attempt) => this.waitForLock(attempt));
    return Promise.resolve();
  }

  /**
   * Runs `attempt` (with the connection held) until it does not fail with SQLITE_BUSY, for at
   * most `waitMs`. Between attempts the connection is handed to whoever waits for it (reads
   * go on: WAL lets them run beside another process's write) and the wait is a timer, never a
   * sleep on the event loop. Only for work that a busy error fails before it changed anything.
   */
  async waitForLock<T>(attempt: () => T, waitMs = this.#options.lockWaitMs): Promise<T> {
    const started = performance.now();
    // While the lock has just been found held for a whole wait, writes try once and fail fast
    // (a request with three writes would otherwise wait three times over).
    const budget = started < this.#lockedUntil ? 0 : waitMs;
    for (let tries = 0; ; tries++) {
      try {
        const result = attempt();
        this.#lockedUntil = 0;
        return result;
      } catch (error) {
        const inTransaction = this.#connection?.raw.isTransaction ?? false;
        if (!isDatabaseBusy(error) || inTransaction) throw error;
        if (performance.now() - started >= budget) {
          if (budget > 0) this.#lockedUntil = performance.now() + lockedFailFastMs;
          throw error;
        }
      }
      const delay = lockRetryDelaysMs[Math.min(tries, lockRetryDelaysMs.length - 1)] as number;
      await this.releaseConnection();
      await new Promise((resolve) => setTimeout(resolve, delay));
      await this.acquireConnection();
    }
  }

  /** `work` with the connection held, waiting (asynchronously) for a lock another process holds. */
  async exclusive<T>(work: () => T, waitMs?: number): Promise<T> {
    await this.acquireConnection();
    try {
      return await this.waitForLock(work, waitMs);
    } finally {
      await this.releaseConnection();
    }
  }

  /** The one connection, once open. */
  get connection(): NodeSqliteConnection | undefined {
    return this.#connection;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#busy) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#busy = true;
    if (this.#connection === undefined) throw new Error('SQLite store is closed');
    return this.#connection;
  }

  releaseConnection(): Promise<void> {
    const next = this.#queue.shift();
    if (next === undefined) this.#busy = false;
    else next();
    return Promise.resolve();
  }

  async beginTransaction(): Promise<void> {
    const connection = this.#connection;
    if (connection === undefined) throw new Error('SQLite store is closed');
    await this.waitForLock(() => connection.statement('BEGIN IMMEDIATE').run());
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async destroy(): Promise<void> {
    this.#connection?.close();
    this.#connection = undefined;
    await this.#checkpointer?.stop();
  }
}

/**
 * Frees a prepared statement now instead of at its garbage collection. A statement keeps its
 * compiled program and copies of the values last bound to it (a multi-row INSERT: every row)
 * in native memory that V8 does not see, so garbage statements piled up hundreds of MB before a
 * full collection ran. StatementSync.close() arrived during Node 24; where it is missing,
 * garbage collection still finalizes the statement.
 */
function finalize(stmt: StatementSync): void {
  (stmt as StatementSync & { close?: () => void }).close?.();
}

/** Converts a value Kysely hands us into one node:sqlite can bind. */
function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    value instanceof Uint8Array
  ) {
    return value;
  }
  throw new TypeError(`Cannot store a value of type ${typeof value} in SQLite`);
}

type LockWaiter = <T>(attempt: () => T) => Promise<T>;

class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync;
  readonly #waitForLock: LockWaiter;
  // Preparing is a noticeable share of a small query's cost; the cache is bounded (LRU).
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync, waitForLock: LockWaiter) {
    this.#db = db;
    this.#waitForLock = waitForLock;
  }

  /** The raw handle, for the few hot paths that bypass the query builder. */
  get raw(): DatabaseSync {
    return this.#db;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // Inside a transaction (which holds the write lock) a statement runs at once; a statement
    // on its own is its own transaction and may have to wait for another process's lock.
    if (this.#db.isTransaction) return Promise.resolve(this.#execute<R>(compiledQuery));
    return this.#waitForLock(() => this.#execute<R>(compiledQuery));
  }

  #execute<R>(compiledQuery: CompiledQuery): QueryResult<R> {
    const stmt = this.#prepare(compiledQuery.sql);
    try {
      const params = compiledQuery.parameters.map(toSqlite);
      if (stmt.columns().length > 0) {
        return { rows: stmt.all(...params) as R[] };
      }
      const { changes, lastInsertRowid } = stmt.run(...params);
      return {
        rows: [],
        numAffectedRows: BigInt(changes),
        insertId: BigInt(lastInsertRowid),
      };
    } finally {
      if (!this.#statements.has(compiledQuery.sql)) finalize(stmt);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const stmt = this.#prepare(compiledQuery.sql);
    try {
      for (const row of stmt.iterate(...compiledQuery.parameters.map(toSqlite))) {
        yield await Promise.resolve({ rows: [row as R] });
      }
    } finally {
      if (!this.#statements.has(compiledQuery.sql)) finalize(stmt);
    }
  }

  close(): void {
    for (const stmt of this.#statements.values()) finalize(stmt);
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  /** A prepared statement from the cache (prepared and cached when new). */
  statement(sql: string): StatementSync {
    return this.#prepare(sql);
  }

  #prepare(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (stmt !== undefined) {
      this.#statements.delete(sql);
      this.#statements.set(sql, stmt);
      return stmt;
    }
    stmt = this.#db.prepare(sql);
    // A long statement (a big multi-row INSERT) holds a lot of memory and is rarely repeated
    // exactly: prepare it for this one use only (executeQuery finalizes it after the use).
    if (sql.length > maxCachedSqlLength) return stmt;
    this.#statements.set(sql, stmt);
    if (this.#statements.size > statementCacheSize) {
      const [oldest, evicted] = this.#statements.entries().next().value ?? [];
      if (oldest !== undefined) this.#statements.delete(oldest);
      // The oldest is never one in use: a statement handed out moves to the newest place,
      // and callers use it synchronously, long before 500 other statements are prepared.
      if (evicted !== undefined) finalize(evicted);
    }
    return stmt;
  }
}
