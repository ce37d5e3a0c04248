import { sql, type Selectable } from 'kysely';
import type { Db, Store } from '../../db/store.ts';
import type {
  AlertsTable,
  IncidentNotificationsTable,
  IncidentsTable,
  IncidentTimelineTable,
  SilencesTable,
} from '../../db/schema.ts';

export type IncidentRow = Selectable<IncidentsTable>;
export type TimelineRow = Selectable<IncidentTimelineTable>;
export type NotificationRow = Selectable<IncidentNotificationsTable>;
export type SilenceRow = Selectable<SilencesTable>;
export type IncidentAlertRow = Selectable<AlertsTable>;

/** 'resolved' as a SQL literal so partial-index plans are prepared once (see alert.repository.ts). */
const resolved = sql.lit('resolved');

/**
 * Rows (or ids) per multi-row statement. Small enough that the SQL stays short: SQLite keeps
 * short statements prepared and reuses them, while each long one is prepared anew and holds
 * native memory the garbage collector does not see until it happens to run (a storm's
 * incident once took the server past 700 MB this way).
 */
const rowsPerStatement = 100;

/** A timeline entry before it has its sequence number. */
export interface TimelineDraft {
  at: number;
  actor: string;
  kind: string;
  message: string;
  data?: unknown;
}

export function findIncident(db: Db, id: string): Promise<IncidentRow | undefined> {
  return db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findIncidentByNumber(db: Db, number: number): Promise<IncidentRow | undefined> {
  return db.selectFrom('incidents').selectAll().where('number', '=', number).executeTakeFirst();
}

export function findOpenIncidentByGroup(
  db: Db,
  groupKey: string,
): Promise<IncidentRow | undefined> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('groupKey', '=', groupKey)
    .where('status', '<>', resolved)
    .executeTakeFirst();
}

/** The newest open incident of each service that has one (for inhibition). */
export async function openIncidentsByService(db: Db): Promise<Map<string, IncidentRow>> {
  const rows = await db
    .selectFrom('incidents')
    .selectAll()
    .where('status', '<>', resolved)
    .orderBy('openedAt', 'asc')
    .execute();
  return new Map(rows.map((r) => [r.serviceId, r]));
}

export async function nextIncidentNumber(db: Db): Promise<number> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => eb.fn.max<number | string | null>('number').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertIncident(db: Db, row: IncidentRow): Promise<void> {
  await db.insertInto('incidents').values(row).execute();
}

export async function updateIncident(
  db: Db,
  id: string,
  changes: Partial<Omit<IncidentRow, 'id' | 'number' | 'timelineSeq'>>,
): Promise<void> {
  await db.updateTable('incidents').set(changes).where('id', '=', id).execute();
}

/**
 * Appends entries to an incident's timeline. The sequence numbers come from an atomic
 * increment of the incident's counter, so concurrent writers (the pipeline, a job, a person)
 * never take the same number, and the unique index would refuse it if they did.
 */
export async function appendTimeline(
  db: Db,
  incidentId: string,
  entries: readonly TimelineDraft[],
  now: number,
): Promise<void> {
  if (entries.length === 0) return;
  const row = await db
    .updateTable('incidents')
    .set((eb) => ({ timelineSeq: eb('timelineSeq', '+', entries.length), updatedAt: now }))
    .where('id', '=', incidentId)
    .returning('timelineSeq')
    .executeTakeFirstOrThrow();
  const first = row.timelineSeq - entries.length + 1;
  const values = entries.map((e, i) => ({
    incidentId,
    sequence: first + i,
    at: e.at,
    actor: e.actor,
    kind: e.kind,
    message: e.message,
    data: e.data === undefined ? null : JSON.stringify(e.data),
  }));
  for (let i = 0; i < values.length; i += rowsPerStatement)
    await db
      .insertInto('incidentTimeline')
      .values(values.slice(i, i + rowsPerStatement))
      .execute();
}

/**
 * An incident's timeline for reading: its first `head` entries and its latest `tail`, in
 * sequence order, in one query. A storm's incident has an entry for every alert that joined,
 * and what people did (acknowledged, resolved) comes after all of them. Sequence numbers run
 * 1…`lastSequence` without gaps (appendTimeline), so both parts are ranges.
 */
export function listTimeline(
  db: Db,
  incidentId: string,
  parts: { head: number; tail: number; lastSequence: number },
): Promise<TimelineRow[]> {
  return db
    .selectFrom('incidentTimeline')
    .selectAll()
    .where('incidentId', '=', incidentId)
    .where((eb) =>
      eb.or([
        eb('sequence', '<=', parts.head),
        eb('sequence', '>', parts.lastSequence - parts.tail),
      ]),
    )
    .orderBy('sequence', 'asc')
    .execute();
}

/**
 * One page of an incident's alerts, oldest first, after the alert `afterId` (from the start
 * when null). Always a page: a storm's incident can hold a hundred thousand alerts, and
 * reading them whole for one view once took the server from 260 MB to 840 MB.
 */
export function listIncidentAlerts(
  db: Db,
  incidentId: string,
  page: { afterId: string | null; limit: number },
): Promise<IncidentAlertRow[]> {
  let query = db.selectFrom('alerts').selectAll().where('incidentId', '=', incidentId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return query.orderBy('id', 'asc').limit(page.limit).execute();
}

export async function countIncidentAlerts(db: Db, incidentId: string): Promise<number> {
  const row = await db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('incidentId', '=', incidentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * What the batching timer needs of an incident's alerts: the open ones that can page (no noise
 * state, or flapping), and no more than their ids and flags. A storm's incident may hold a
 * hundred thousand alerts; reading whole rows of them once cost a gigabyte of memory.
 */
export function listPageableAlerts(db: Db, incidentId: string) {
  return db
    .selectFrom('alerts')
    .select(['id', 'status', 'noise', 'notifiedAt'])
    .where('incidentId', '=', incidentId)
    .where('status', '<>', resolved)
    .where((eb) => eb.or([eb('noise', 'is', null), eb('noise', '=', 'flapping')]))
    .orderBy('id', 'asc')
    .execute();
}

/** The alert keys of these alerts (flapping ones, whose pages are limited per key). */
export function findAlertKeys(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('alerts')
    .select(['id', 'integrationId', 'dedupKey'])
    .where('id', 'in', ids)
    .execute();
}

export async function countOpenAlerts(db: Db, incidentId: string): Promise<number> {
  const row = await db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('incidentId', '=', incidentId)
    .where('status', '<>', resolved)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function alertCountsByIncident(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, { open: number; services: string[] }>> {
  const result = new Map<string, { open: number; services: string[] }>();
  if (ids.length === 0) return result;
  const rows = await db
    .selectFrom('alerts')
    .select(['incidentId', 'serviceId'])
    .select((eb) =>
      eb.fn
        .sum<number | string | null>(eb.case().when('status', '<>', resolved).then(1).else(0).end())
        .as('open'),
    )
    .where('incidentId', 'in', ids)
    .groupBy(['incidentId', 'serviceId'])
    .execute();
  for (const r of rows) {
    const id = r.incidentId ?? '';
    const entry = result.get(id) ?? { open: 0, services: [] };
    entry.open += Number(r.open ?? 0);
    entry.services.push(r.serviceId);
    result.set(id, entry);
  }
  return result;
}

export interface IncidentFilter {
  status?: string | undefined;
  serviceId?: string | undefined;
  priority?: string | undefined;
  beforeId: string | null;
  limit: number;
}

export function listIncidents(db: Db, filter: IncidentFilter): Promise<IncidentRow[]> {
  let query = db.selectFrom('incidents').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status === 'open') query = query.where('status', '<>', resolved);
  else if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.serviceId !== undefined) query = query.where('serviceId', '=', filter.serviceId);
  if (filter.priority !== undefined) query = query.where('priority', '=', filter.priority);
  if (filter.beforeId !== null) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}

export async function insertNotification(db: Db, row: NotificationRow): Promise<void> {
  await db.insertInto('incidentNotifications').values(row).execute();
}

export function listNotifications(db: Db, incidentId: string): Promise<NotificationRow[]> {
  return db
    .selectFrom('incidentNotifications')
    .selectAll()
    .where('incidentId', '=', incidentId)
    .orderBy('sequence', 'asc')
    .execute();
}

export async function markAlertsNotified(
  db: Db,
  alertIds: readonly string[],
  now: number,
): Promise<void> {
  for (let i = 0; i < alertIds.length; i += rowsPerStatement)
    await db
      .updateTable('alerts')
      .set({ notifiedAt: now })
      .where('id', 'in', alertIds.slice(i, i + rowsPerStatement))
      .where('notifiedAt', 'is', null)
      .execute();
}

// ---------- silences ----------

/** Silences that have not ended by `now` (active or pending). */
export function listLiveSilences(db: Db, now: number): Promise<SilenceRow[]> {
  return db
    .selectFrom('silences')
    .selectAll()
    .where('endsAt', '>', now)
    .orderBy('startsAt', 'asc')
    .execute();
}

export function listAllSilences(db: Db, limit: number): Promise<SilenceRow[]> {
  return db.selectFrom('silences').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export function findSilence(db: Db, id: string): Promise<SilenceRow | undefined> {
  return db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSilence(db: Db, row: SilenceRow): Promise<void> {
  await db.insertInto('silences').values(row).execute();
}

export async function endSilence(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('silences').set({ endsAt: now }).where('id', '=', id).execute();
}

/** Open alerts that silences kept quiet, to look at again when a silence ends. */
export function listSilencedOpenAlerts(db: Db): Promise<IncidentAlertRow[]> {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('noise', '=', 'silenced')
    .where('status', '<>', resolved)
    .orderBy('id', 'asc')
    .execute();
}

// ---------- rules, dependencies, windows, flaps ----------

export async function findNoiseRules(db: Db, serviceIds: readonly string[]) {
  if (serviceIds.length === 0) return [];
  return db
    .selectFrom('serviceNoiseRules')
    .selectAll()
    .where('serviceId', 'in', serviceIds)
    .execute();
}

export async function saveNoiseRules(
  db: Db,
  serviceId: string,
  rules: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('serviceNoiseRules')
    .values({ serviceId, rules, updatedAt: now })
    .onConflict((oc) => oc.column('serviceId').doUpdateSet({ rules, updatedAt: now }))
    .execute();
}

export function listDependencies(db: Db) {
  return db.selectFrom('serviceDependencies').selectAll().execute();
}

export async function replaceDependencies(
  db: Db,
  serviceId: string,
  dependsOn: readonly string[],
  now: number,
): Promise<void> {
  await db.deleteFrom('serviceDependencies').where('serviceId', '=', serviceId).execute();
  if (dependsOn.length > 0)
    await db
      .insertInto('serviceDependencies')
      .values(dependsOn.map((dependsOnId) => ({ serviceId, dependsOnId, createdAt: now })))
      .execute();
}

export async function loadGroupWindow(db: Db, groupKey: string): Promise<number[]> {
  const row = await db
    .selectFrom('alertGroupWindows')
    .select('times')
    .where('groupKey', '=', groupKey)
    .executeTakeFirst();
  return row === undefined ? [] : (JSON.parse(row.times) as number[]);
}

export async function saveGroupWindow(
  db: Db,
  groupKey: string,
  times: readonly number[],
  now: number,
): Promise<void> {
  const text = JSON.stringify(times);
  await db
    .insertInto('alertGroupWindows')
    .values({ groupKey, times: text, updatedAt: now })
    .onConflict((oc) => oc.column('groupKey').doUpdateSet({ times: text, updatedAt: now }))
    .execute();
}

export async function loadFlapHistory(
  db: Db,
  integrationId: string,
  dedupKey: string,
): Promise<{ changes: number[]; lastPagedAt: number | null }> {
  const row = await db
    .selectFrom('alertFlapHistory')
    .select(['changes', 'lastPagedAt'])
    .where('integrationId', '=', integrationId)
    .where('dedupKey', '=', dedupKey)
    .executeTakeFirst();
  return row === undefined
    ? { changes: [], lastPagedAt: null }
    : { changes: JSON.parse(row.changes) as number[], lastPagedAt: row.lastPagedAt };
}

/** The stored flap histories of these alert keys (keys never resolved have none). */
export async function loadFlapHistories(
  db: Db,
  keys: readonly { integrationId: string; dedupKey: string }[],
): Promise<{ integrationId: string; dedupKey: string; changes: number[] }[]> {
  const result: { integrationId: string; dedupKey: string; changes: number[] }[] = [];
  for (let i = 0; i < keys.length; i += 200) {
    const chunk = keys.slice(i, i + 200);
    const pairs = sql.join(chunk.map((k) => sql`(${k.integrationId}, ${k.dedupKey})`));
    // The keys as a table joined to the histories: an index lookup per key on both engines,
    // whatever the planner's statistics say. PostgreSQL plans a row-value IN list on a table
    // that grew since it was last analysed (as during a storm) as a bitmap scan, 20 times
    // slower.
    const { rows } = await sql<{ integrationId: string; dedupKey: string; changes: string }>`
      with k (integration_id, dedup_key) as (values ${pairs})
      select f.integration_id, f.dedup_key, f.changes
      from alert_flap_history as f
      join k on f.integration_id = k.integration_id and f.dedup_key = k.dedup_key`.execute(db);
    for (const r of rows) result.push({ ...r, changes: JSON.parse(r.changes) as number[] });
  }
  return result;
}

export async function saveFlapHistory(
  db: Db,
  integrationId: string,
  dedupKey: string,
  changes: readonly number[],
  now: number,
): Promise<void> {
  const text = JSON.stringify(changes);
  await db
    .insertInto('alertFlapHistory')
    .values({ integrationId, dedupKey, changes: text, lastPagedAt: null, updatedAt: now })
    .onConflict((oc) =>
      oc.columns(['integrationId', 'dedupKey']).doUpdateSet({ changes: text, updatedAt: now }),
    )
    .execute();
}

export async function markKeysPaged(
  db: Db,
  keys: readonly { integrationId: string; dedupKey: string }[],
  now: number,
): Promise<void> {
  for (const k of keys)
    await db
      .updateTable('alertFlapHistory')
      .set({ lastPagedAt: now })
      .where('integrationId', '=', k.integrationId)
      .where('dedupKey', '=', k.dedupKey)
      .execute();
}

let noiseUpdateSql: string | undefined;

/**
 * Writes what noise control decided about alerts (incident, group key, noise state). SQLite:
 * one cached statement run per alert on the caller's connection; PostgreSQL: one statement
 * for the lot, joined to a VALUES list.
 */
export async function writeAlertNoise(
  db: Db,
  store: Pick<Store, 'sqlite'>,
  alerts: readonly Pick<IncidentAlertRow, 'id' | 'incidentId' | 'groupKey' | 'noise'>[],
): Promise<void> {
  if (alerts.length === 0) return;
  if (store.sqlite !== null) {
    noiseUpdateSql ??= db
      .updateTable('alerts')
      .set({ incidentId: '', groupKey: '', noise: '' })
      .where('id', '=', '')
      .compile().sql;
    const statement = store.sqlite.statement(noiseUpdateSql);
    for (const a of alerts) statement.run(a.incidentId, a.groupKey, a.noise, a.id);
    return;
  }
  for (let i = 0; i < alerts.length; i += 1000) {
    const rows = sql.join(
      alerts
        .slice(i, i + 1000)
        .map(
          (a) => sql`(${a.id}::text, ${a.incidentId}::text, ${a.groupKey}::text, ${a.noise}::text)`,
        ),
    );
    await sql`update alerts set incident_id = v.incident_id, group_key = v.group_key, noise = v.noise
      from (values ${rows}) as v(id, incident_id, group_key, noise) where alerts.id = v.id`.execute(
      db,
    );
  }
}

export function listBelowThresholdAlerts(db: Db, groupKey: string): Promise<IncidentAlertRow[]> {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('groupKey', '=', groupKey)
    .where('noise', '=', 'below_threshold')
    .where('status', '<>', resolved)
    .execute();
}

export async function findAlertsByIds(db: Db, ids: readonly string[]): Promise<IncidentAlertRow[]> {
  const rows: IncidentAlertRow[] = [];
  for (let i = 0; i < ids.length; i += rowsPerStatement)
    rows.push(
      ...(await db
        .selectFrom('alerts')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + rowsPerStatement))
        .execute()),
    );
  return rows;
}

export function serviceNames(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('services').select(['id', 'name']).where('id', 'in', ids).execute();
}
