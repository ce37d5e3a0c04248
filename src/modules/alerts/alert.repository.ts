import { sql, type Selectable } from 'kysely';
import type { SQLInputValue } from 'node:sqlite';
import { insertRows, upsertRowsById } from '../../db/bulk.ts';
import type { Db, Store } from '../../db/store.ts';
import type { AlertEventsTable, AlertsTable } from '../../db/schema.ts';
import {
  alertControl,
  alertPayloadFields,
  type AlertControl,
  type AlertState,
} from './deduplication.ts';

export type AlertRow = Selectable<AlertsTable>;

/** Noise control's columns: deduplication neither reads nor writes them. */
type NoiseColumns = 'incidentId' | 'groupKey' | 'noise' | 'notifiedAt';
/** An alert as deduplication reads and writes it. */
export type DedupAlertRow = Omit<AlertRow, NoiseColumns>;
const dedupColumns = [
  'id',
  'integrationId',
  'serviceId',
  'dedupKey',
  'status',
  ...alertPayloadFields,
  'eventCount',
  'firstSeenAt',
  'lastSeenAt',
  'firstEventId',
  'lastEventId',
  'acknowledgedAt',
  'resolvedAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof DedupAlertRow)[];

const payloadColumnNames = new Set<string>(alertPayloadFields);

const lookupChunk = 5000;

/**
 * 'resolved' as a literal in the SQL, not a parameter: only then can the planner match the
 * partial index "where status <> 'resolved'" once for good. With a parameter, SQLite makes the
 * plan depend on the bound value and prepares the statement again on every execution.
 */
const notResolved = sql.lit('resolved');

// What deduplication needs of a stored alert to decide: identity, status and counters. A
// trigger replaces the whole payload and an acknowledge or resolve leaves it alone, so the
// payload columns (the bulk of a row: labels, details, links) are not read on SQLite.
const controlColumns = dedupColumns.filter((c) => !payloadColumnNames.has(c));

/**
 * The open alerts for the given (integration, dedup key) pairs. On SQLite without their
 * payload (see controlColumns); on PostgreSQL whole, for the upsert that writes them back.
 */
export async function findOpenAlerts(
  db: Db,
  store: Pick<Store, 'sqlite'>,
  pairs: readonly { integrationId: string; dedupKey: string }[],
): Promise<AlertState[]> {
  if (store.sqlite !== null) {
    // One indexed point lookup per key on a cached statement: far cheaper in SQLite than a
    // long row-value IN list. The caller's transaction holds the connection.
    // The columns are aliased to their camelCase names, so rows arrive in the shape used here.
    const lookup = store.sqlite.statement(openAlertSql);
    const rows: AlertState[] = [];
    for (const p of pairs) {
      const row = lookup.get(p.integrationId, p.dedupKey);
      // node:sqlite rows are dictionary-mode objects, slow to read and to copy with spread;
      // deduplication reads and copies each one several times (4.6 µs against 1.4 µs an event).
      if (row !== undefined) rows.push(alertControl(row as unknown as AlertControl));
    }
    return rows;
  }
  // PostgreSQL: the keys as two arrays joined to the table, so each is an index lookup on the
  // partial index of open alerts whatever the statistics say. A row-value IN list, on a table
  // grown since it was last analysed (as during a storm), was planned as a bitmap scan several
  // hundred times slower (ADR 0002 §14).
  const rows: AlertState[] = [];
  for (let i = 0; i < pairs.length; i += lookupChunk) {
    const chunk = pairs.slice(i, i + lookupChunk);
    const integrationIds = chunk.map((p) => p.integrationId);
    const dedupKeys = chunk.map((p) => p.dedupKey);
    const found =
      await sql<AlertState>`select ${sql.join(dedupColumns.map((c) => sql.ref(`a.${c}`)))}
      from alerts as a
      join unnest(${integrationIds}::text[], ${dedupKeys}::text[]) as k(integration_id, dedup_key)
        on a.integration_id = k.integration_id and a.dedup_key = k.dedup_key
      where a.status <> ${notResolved}`.execute(db);
    rows.push(...found.rows);
  }
  return rows;
}

const snakeCase = (c: string) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

// Written by hand: the query builder's case plugin would rename the aliases too.
const openAlertSql = `SELECT ${controlColumns
  .map((c) => `"${snakeCase(c)}" AS "${c}"`)
  .join(
    ', ',
  )} FROM "alerts" WHERE "integration_id" = ? AND "dedup_key" = ? AND "status" <> 'resolved'`;

/** One alert to write: its new state, whether it is new, and what of it changed. */
export interface AlertWrite {
  alert: AlertState;
  isNew: boolean;
  statusChanged: boolean;
  /** A trigger replaced the payload (always so for a new alert). */
  payloadChanged: boolean;
}

// What an event changes on a stored alert besides its status and payload. Leaving the others
// out of the SET spares SQLite the upkeep of every index that holds them (three hold status).
const counterColumns = [
  'eventCount',
  'lastSeenAt',
  'lastEventId',
  'acknowledgedAt',
  'resolvedAt',
  'updatedAt',
] as const satisfies readonly (keyof DedupAlertRow)[];

const updateSql = new Map<number, { sql: string; columns: (keyof DedupAlertRow)[] }>();
function compileUpdate(withStatus: boolean, withPayload: boolean) {
  const shape = (withStatus ? 1 : 0) + (withPayload ? 2 : 0);
  let entry = updateSql.get(shape);
  if (entry === undefined) {
    const columns: (keyof DedupAlertRow)[] = [
      ...(withStatus ? (['status'] as const) : []),
      ...(withPayload ? alertPayloadFields : []),
      ...counterColumns,
    ];
    const set = columns.map((c) => `"${snakeCase(c)}" = ?`).join(', ');
    entry = { sql: `UPDATE "alerts" SET ${set} WHERE "id" = ?`, columns };
    updateSql.set(shape, entry);
  }
  return entry;
}

/** The alert as a whole row; it must carry its payload (read whole, or set by a trigger). */
function wholeRow(alert: AlertState): DedupAlertRow {
  for (const c of alertPayloadFields) {
    if (alert[c] === undefined)
      throw new Error(`alert ${alert.id} has no ${c}: it was read without its payload`);
  }
  return alert as DedupAlertRow;
}

/**
 * Writes alerts in their new state: changed ones first (a resolve frees its dedup key for a
 * new alert in the same batch), then new ones. On SQLite a changed alert is a narrow UPDATE of
 * what changed; on PostgreSQL one multi-row upsert of whole rows (an update that leaves indexed
 * values as they were is a heap-only update there).
 */
export async function writeAlerts(
  db: Db,
  store: Pick<Store, 'sqlite'>,
  writes: readonly AlertWrite[],
): Promise<void> {
  if (store.sqlite === null) {
    await upsertRowsById(
      db,
      store,
      'alerts',
      writes.map((w) => wholeRow(w.alert)),
    );
    return;
  }
  for (const w of writes) {
    if (w.isNew) continue;
    const { sql, columns } = compileUpdate(w.statusChanged, w.payloadChanged);
    const row = w.alert as unknown as Record<string, SQLInputValue>;
    store.sqlite.statement(sql).run(...columns.map((c) => row[c] ?? null), w.alert.id);
  }
  await insertRows(
    db,
    store,
    'alerts',
    writes.filter((w) => w.isNew).map((w) => wholeRow(w.alert)),
  );
}

export interface AlertFilter {
  status?: 'triggered' | 'acknowledged' | 'resolved' | 'open' | undefined;
  serviceId?: string | undefined;
  integrationId?: string | undefined;
  text?: string | undefined;
  /** Only alerts with an id below this one (pagination, newest first). */
  beforeId?: string | null;
  limit: number;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Alerts matching the filter, newest first. */
export function listAlerts(db: Db, filter: AlertFilter): Promise<AlertRow[]> {
  let query = db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status === 'open') query = query.where('status', '<>', notResolved);
  else if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.serviceId !== undefined) query = query.where('serviceId', '=', filter.serviceId);
  if (filter.integrationId !== undefined)
    query = query.where('integrationId', '=', filter.integrationId);
  if (filter.beforeId != null) query = query.where('id', '<', filter.beforeId);
  if (filter.text !== undefined && filter.text.trim() !== '') {
    const pattern = likePattern(filter.text.trim());
    query = query.where((eb) =>
      eb
        .or([
          sql<boolean>`lower(summary) like ${pattern} escape '\\'`,
          sql<boolean>`lower(dedup_key) like ${pattern} escape '\\'`,
          sql<boolean>`lower(coalesce(source, '')) like ${pattern} escape '\\'`,
        ])
        .$castTo<boolean>(),
    );
  }
  return query.execute();
}

/** One alert by id. */
export function findAlert(db: Db, id: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How far back (in events of the whole log) an alert's events are looked for. */
export const alertEventScanLimit = 100_000;

/**
 * The newest events of one alert. The event log has no index by dedup key (it would cost a
 * random page write per event on the hot path), so this scans the log's id range from the
 * alert's last event back to its first, at most `alertEventScanLimit` events deep.
 */
export function listAlertEvents(
  db: Db,
  alert: AlertRow,
  limit: number,
): Promise<Selectable<AlertEventsTable>[]> {
  return db
    .selectFrom('alertEvents')
    .selectAll()
    .where('id', '>=', Math.max(alert.firstEventId, alert.lastEventId - alertEventScanLimit))
    .where('id', '<=', alert.lastEventId)
    .where('integrationId', '=', alert.integrationId)
    .where('dedupKey', '=', alert.dedupKey)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
