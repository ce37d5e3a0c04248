import type { Selectable } from 'kysely';
import type { Db, RawSqlite } from '../../db/store.ts';
import type { AlertEventsTable } from '../../db/schema.ts';

export type EventRow = Selectable<AlertEventsTable>;

/** Creates the cursor at the start of the log if it does not exist. */
export async function ensureCursor(db: Db, name: string, now: number): Promise<void> {
  await db
    .insertInto('pipelineCursors')
    .values({ name, position: 0, leaseOwner: null, leaseUntil: null, updatedAt: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * Takes (or renews) the cursor's lease for `owner` and returns the id of the last event it
 * processed, or undefined while another process holds it. Inside the processing transaction,
 * the row lock also makes a second replica wait for this batch to commit.
 */
export async function claimCursor(
  db: Db,
  name: string,
  owner: string,
  now: number,
  leaseUntil: number,
): Promise<number | undefined> {
  const row = await db
    .updateTable('pipelineCursors')
    .set({ leaseOwner: owner, leaseUntil })
    .where('name', '=', name)
    .where((eb) =>
      eb.or([
        eb('leaseOwner', 'is', null),
        eb('leaseOwner', '=', owner),
        eb('leaseUntil', '<', now),
      ]),
    )
    .returning('position')
    .executeTakeFirst();
  return row?.position;
}

/**
 * The next events after id `after`, in log order. Appenders take the event log's lock before
 * taking ids (see lockEventLog), so ids commit in order and none can appear below one read.
 */
export function readEventsAfter(
  db: Db,
  after: number,
  limit: number,
  sqlite: RawSqlite | null = null,
): Promise<EventRow[]> {
  if (sqlite !== null) {
    // Read directly: this runs for every batch and maps thousands of rows.
    const rows = sqlite
      .statement('SELECT * FROM alert_events WHERE id > ? ORDER BY id LIMIT ?')
      .all(after, limit) as unknown as SqliteEventRow[];
    return Promise.resolve(rows.map(fromSqlite));
  }
  return db
    .selectFrom('alertEvents')
    .selectAll()
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
}

interface SqliteEventRow {
  id: number;
  request_id: string;
  integration_id: string;
  service_id: string;
  received_at: number;
  action: string;
  dedup_key: string;
  summary: string;
  severity: string;
  source: string | null;
  component: string | null;
  group_name: string | null;
  class: string | null;
  occurred_at: number | null;
  labels: string;
  details: string | null;
  links: string;
  images: string;
}

function fromSqlite(r: SqliteEventRow): EventRow {
  return {
    id: r.id,
    requestId: r.request_id,
    integrationId: r.integration_id,
    serviceId: r.service_id,
    receivedAt: r.received_at,
    action: r.action,
    dedupKey: r.dedup_key,
    summary: r.summary,
    severity: r.severity,
    source: r.source,
    component: r.component,
    groupName: r.group_name,
    class: r.class,
    occurredAt: r.occurred_at,
    labels: r.labels,
    details: r.details,
    links: r.links,
    images: r.images,
  };
}

/** Moves the cursor to event id `to`, if `owner` still holds it. */
export async function advanceCursor(
  db: Db,
  name: string,
  owner: string,
  to: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('pipelineCursors')
    .set({ position: to, updatedAt: now })
    .where('name', '=', name)
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives up `owner`'s lease (graceful shutdown), or any lease when `owner` is null (SQLite start-up). */
export async function releaseCursor(db: Db, name: string, owner: string | null): Promise<void> {
  let query = db
    .updateTable('pipelineCursors')
    .set({ leaseOwner: null, leaseUntil: null })
    .where('name', '=', name);
  if (owner !== null) query = query.where('leaseOwner', '=', owner);
  await query.execute();
}

/** How far behind the cursor is: unprocessed events and the age of the oldest, in seconds. */
export async function measureLag(
  db: Db,
  name: string,
  now: number,
): Promise<{ events: number; seconds: number }> {
  const cursor = await db
    .selectFrom('pipelineCursors')
    .select('position')
    .where('name', '=', name)
    .executeTakeFirst();
  if (cursor === undefined) return { events: 0, seconds: 0 };
  const [oldest] = await readEventsAfter(db, cursor.position, 1);
  if (oldest === undefined) return { events: 0, seconds: 0 };
  const head = await db
    .selectFrom('alertEvents')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return {
    events: Math.max(1, (head?.id ?? 0) - cursor.position),
    seconds: Math.max(0, (now - oldest.receivedAt) / 1000),
  };
}
