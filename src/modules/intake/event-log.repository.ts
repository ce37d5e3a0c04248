import { sql, type Insertable } from 'kysely';
import { insertRows } from '../../db/bulk.ts';
import type { SQLInputValue } from 'node:sqlite';
import type { Db, Engine, RawSqlite, Store } from '../../db/store.ts';
import type { AlertEventsTable, IntakeRequestsTable } from '../../db/schema.ts';
import type { EventRow } from '../pipeline/index.ts';
import { WalSync } from '../../db/wal-sync.ts';

export type NewIntakeRequest = Insertable<IntakeRequestsTable>;
export type NewAlertEvent = Omit<Insertable<AlertEventsTable>, 'id'>;

/**
 * Takes the event log's append lock for the rest of the transaction. Every transaction that
 * inserts into alert_events calls this first, so event ids are taken and committed in order
 * and the pipeline, reading by id, never steps over one still being committed. On SQLite the
 * write lock of BEGIN IMMEDIATE already does this; on PostgreSQL it is an advisory lock (group
 * commit keeps such transactions few).
 */
export async function lockEventLog(db: Db, engine: Engine): Promise<void> {
  if (engine === 'postgres')
    await sql`select pg_advisory_xact_lock(${eventLogLockKey})`.execute(db);
}

/** The advisory lock id of the event log (any fixed 64-bit number unique within Steady). */
const eventLogLockKey = 7_306_205_111;

/** One accepted request and its events, written together. */
export interface IntakeRecord {
  request: NewIntakeRequest;
  events: NewAlertEvent[];
  /** A Standard Webhooks id: a second request with the same id is a duplicate and not stored. */
  webhookId: string | null;
}

/** What one append committed. */
export interface AppendResult {
  /** Per record, whether it was stored (false: its webhook id was seen before). */
  stored: boolean[];
  /**
   * The events committed, with their ids, in log order; null when the engine does not hand
   * them back (PostgreSQL), and the pipeline reads them from the log instead.
   */
  events: EventRow[] | null;
}

/** Appends batches of accepted requests to the intake log, each batch in one transaction. */
export interface IntakeAppender {
  /**
   * Writes `records` in one transaction. `lockWaitMs`: how long it may wait for a write lock
   * another process holds (SQLite) before failing with a busy error; the store's default if
   * not given.
   */
  append(records: readonly IntakeRecord[], now: number, lockWaitMs?: number): Promise<AppendResult>;
  close(): Promise<void>;
}

/**
 * The appender for the store's engine. SQLite: the whole batch in one synchronous section on
 * the connection with cached statements (the per-row cost of the query builder would be a
 * large share of a small request). PostgreSQL: the query builder, multi-row inserts.
 */
export function createIntakeAppender(store: Store): IntakeAppender {
  const sqlite = store.sqlite;
  if (sqlite === null)
    return {
      append: async (records, now) => ({
        stored: await appendIntake(store.db, store, records, now),
        events: null,
      }),
      close: () => Promise.resolve(),
    };
  const inserts = compileInserts(store.db);
  const wal = store.sqliteFile === null ? null : new WalSync(store.sqliteFile);
  return {
    async append(records, now, lockWaitMs) {
      if (wal === null)
        return sqlite.exclusive(() => appendSqlite(sqlite, inserts, records, now), lockWaitMs);
      // Commit without waiting for the disk, then flush the WAL on the thread pool: the batch
      // is acknowledged only after that (see WalSync), and meanwhile requests keep arriving.
      const result = await sqlite.exclusive(() => {
        sqlite.statement('PRAGMA synchronous = NORMAL').run();
        try {
          return appendSqlite(sqlite, inserts, records, now);
        } finally {
          sqlite.statement('PRAGMA synchronous = FULL').run();
        }
      }, lockWaitMs);
      await wal.sync();
      return result;
    },
    close: () => {
      wal?.close();
      return Promise.resolve();
    },
  };
}

interface CompiledInsert {
  sql: string;
  columns: readonly string[];
}

function values(row: object, columns: readonly string[]): SQLInputValue[] {
  return columns.map((c) => ((row as Record<string, unknown>)[c] ?? null) as SQLInputValue);
}

function appendSqlite(
  sqlite: RawSqlite,
  inserts: ReturnType<typeof compileInserts>,
  records: readonly IntakeRecord[],
  now: number,
): AppendResult {
  const request = sqlite.statement(inserts.request.sql);
  const event = sqlite.statement(inserts.event.sql);
  const webhook = sqlite.statement(inserts.webhook.sql);
  const stored: boolean[] = [];
  const events: EventRow[] = [];
  sqlite.statement('BEGIN IMMEDIATE').run();
  try {
    for (const record of records) {
      // A Standard Webhooks id seen before (in this batch or earlier) makes the request a duplicate.
      if (
        record.webhookId !== null &&
        Number(webhook.run(record.request.integrationId, record.webhookId, now).changes) === 0
      ) {
        stored.push(false);
        continue;
      }
      request.run(...values(record.request, inserts.request.columns));
      for (const e of record.events) {
        const { lastInsertRowid } = event.run(...values(e, inserts.event.columns));
        // The row as the log now holds it, handed to the pipeline so it need not read it back.
        const row = e as EventRow;
        row.id = Number(lastInsertRowid);
        events.push(row);
      }
      stored.push(true);
    }
    sqlite.statement('COMMIT').run();
    return { stored, events };
  } catch (error) {
    sqlite.statement('ROLLBACK').run();
    throw error;
  }
}

/** The single-row inserts of an intake batch, compiled by Kysely once (snake_case, placeholders). */
function compileInserts(db: Db): {
  request: CompiledInsert;
  event: CompiledInsert;
  webhook: CompiledInsert;
} {
  const request: Required<NewIntakeRequest> = {
    id: '',
    integrationId: '',
    receivedAt: 0,
    format: '',
    body: '',
    headers: '',
    remoteIp: null,
    eventCount: 0,
  };
  const event: Required<NewAlertEvent> = {
    requestId: '',
    integrationId: '',
    serviceId: '',
    receivedAt: 0,
    action: '',
    dedupKey: '',
    summary: '',
    severity: '',
    source: null,
    component: null,
    groupName: null,
    class: null,
    occurredAt: null,
    labels: '',
    details: null,
    links: '',
    images: '',
  };
  const webhook = { integrationId: '', webhookId: '', receivedAt: 0 };
  return {
    request: {
      sql: db.insertInto('intakeRequests').values(request).compile().sql,
      columns: Object.keys(request),
    },
    event: {
      sql: db.insertInto('alertEvents').values(event).compile().sql,
      columns: Object.keys(event),
    },
    webhook: {
      sql: db
        .insertInto('intakeWebhookIds')
        .values(webhook)
        .onConflict((oc) => oc.columns(['integrationId', 'webhookId']).doNothing())
        .compile().sql,
      columns: Object.keys(webhook),
    },
  };
}

/**
 * Appends a batch through the query builder, in one transaction (PostgreSQL, and SQLite
 * callers without a writer thread).
 */
export async function appendIntake(
  db: Db,
  store: Pick<Store, 'sqlite' | 'engine'>,
  records: readonly IntakeRecord[],
  now: number,
): Promise<boolean[]> {
  const engine = store.engine;
  return db.transaction().execute(async (trx) => {
    await lockEventLog(trx, engine);
    const stored = records.map(() => true);
    const signed = records.map((r, i) => ({ r, i })).filter(({ r }) => r.webhookId !== null);
    if (signed.length > 0) {
      // First occurrence wins within the batch; the table catches repeats across batches.
      const firstInBatch = new Map<string, number>();
      for (const { r, i } of signed) {
        const key = `${r.request.integrationId}\u0000${r.webhookId ?? ''}`;
        if (firstInBatch.has(key)) stored[i] = false;
        else firstInBatch.set(key, i);
      }
      const fresh = [...firstInBatch.values()];
      const inserted = await trx
        .insertInto('intakeWebhookIds')
        .values(
          fresh.map((i) => ({
            integrationId: records[i]?.request.integrationId ?? '',
            webhookId: records[i]?.webhookId ?? '',
            receivedAt: now,
          })),
        )
        .onConflict((oc) => oc.columns(['integrationId', 'webhookId']).doNothing())
        .returning(['integrationId', 'webhookId'])
        .execute();
      const accepted = new Set(inserted.map((row) => `${row.integrationId}\u0000${row.webhookId}`));
      for (const i of fresh) {
        const record = records[i];
        if (
          record !== undefined &&
          !accepted.has(`${record.request.integrationId}\u0000${record.webhookId ?? ''}`)
        )
          stored[i] = false;
      }
    }
    const kept = records.filter((_, i) => stored[i]);
    await insertRows(
      trx,
      store,
      'intakeRequests',
      kept.map((r) => r.request),
    );
    await insertRows(
      trx,
      store,
      'alertEvents',
      kept.flatMap((r) => r.events),
    );
    return stored;
  });
}

/** Forgets webhook ids older than `before` (they are outside the replay window). */
export async function purgeWebhookIds(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('intakeWebhookIds')
    .where('receivedAt', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
