import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/store.ts';
import type { AlertEventsTable, AlertsTable } from '../../db/schema.ts';

export type AlertRow = Selectable<AlertsTable>;

const lookupChunk = 200;

/** The open alerts for the given (integration, dedup key) pairs. */
export async function findOpenAlerts(
  db: Db,
  pairs: readonly { integrationId: string; dedupKey: string }[],
): Promise<AlertRow[]> {
  const rows: AlertRow[] = [];
  for (let i = 0; i < pairs.length; i += lookupChunk) {
    const chunk = pairs.slice(i, i + lookupChunk);
    const keys = sql.join(chunk.map((p) => sql`(${p.integrationId}, ${p.dedupKey})`));
    rows.push(
      ...(await db
        .selectFrom('alerts')
        .selectAll()
        .where('status', '<>', 'resolved')
        .where(sql<boolean>`(integration_id, dedup_key) in (${keys})`)
        .execute()),
    );
  }
  return rows;
}

/** Inserts new alerts. */
export async function insertAlerts(db: Db, rows: readonly AlertRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += lookupChunk) {
    await db
      .insertInto('alerts')
      .values(rows.slice(i, i + lookupChunk))
      .execute();
  }
}

/** Writes an alert's new state. */
export async function updateAlert(db: Db, row: AlertRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable('alerts').set(changes).where('id', '=', id).execute();
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
  if (filter.status === 'open') query = query.where('status', '<>', 'resolved');
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

/** Alerts by id (for change notifications). */
export function findAlertsById(db: Db, ids: readonly string[]): Promise<AlertRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('alerts').selectAll().where('id', 'in', ids).execute();
}

/** The newest events of one alert: its key's events from its first to its last. */
export function listAlertEvents(
  db: Db,
  alert: AlertRow,
  limit: number,
): Promise<Selectable<AlertEventsTable>[]> {
  return db
    .selectFrom('alertEvents')
    .selectAll()
    .where('integrationId', '=', alert.integrationId)
    .where('dedupKey', '=', alert.dedupKey)
    .where('id', '>=', alert.firstEventId)
    .where('id', '<=', alert.lastEventId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Ids of alerts changed after `since` (for other replicas' live views). */
export async function findAlertsUpdatedSince(
  db: Db,
  since: number,
  limit: number,
): Promise<{ id: string; updatedAt: number }[]> {
  return db
    .selectFrom('alerts')
    .select(['id', 'updatedAt'])
    .where('updatedAt', '>', since)
    .orderBy('updatedAt')
    .limit(limit)
    .execute();
}
