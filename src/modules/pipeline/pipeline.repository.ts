import { sql, type Selectable } from 'kysely';
import type { Db, Engine } from '../../db/store.ts';
import type { AlertEventsTable } from '../../db/schema.ts';

export type EventRow = Selectable<AlertEventsTable>;

/** A place in the event log: events are ordered by (tx_id, id). */
export interface LogPosition {
  tx: number;
  id: number;
}

/** Creates the cursor at the start of the log if it does not exist. */
export async function ensureCursor(db: Db, name: string, now: number): Promise<void> {
  await db
    .insertInto('pipelineCursors')
    .values({
      name,
      positionTx: 0,
      positionId: 0,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * Takes (or renews) the cursor's lease for `owner` and returns its position, or undefined while
 * another process holds it. Inside the processing transaction, the row lock also makes a
 * second replica wait for this batch to commit.
 */
export async function claimCursor(
  db: Db,
  name: string,
  owner: string,
  now: number,
  leaseUntil: number,
): Promise<LogPosition | undefined> {
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
    .returning(['positionTx', 'positionId'])
    .executeTakeFirst();
  return row === undefined ? undefined : { tx: row.positionTx, id: row.positionId };
}

/**
 * The next events after `after`, in log order. On PostgreSQL a transaction can take a lower id
 * and commit after a higher one; only events written by transactions older than every running
 * one are read, so the cursor never steps over an event that is still being committed.
 */
export function readEventsAfter(
  db: Db,
  engine: Engine,
  after: LogPosition,
  limit: number,
): Promise<EventRow[]> {
  let query = db
    .selectFrom('alertEvents')
    .selectAll()
    .where(sql<boolean>`(tx_id, id) > (${after.tx}, ${after.id})`)
    .orderBy('txId')
    .orderBy('id')
    .limit(limit);
  if (engine === 'postgres')
    query = query.where(
      sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`,
    );
  return query.execute();
}

/** Moves the cursor, if `owner` still holds it. */
export async function advanceCursor(
  db: Db,
  name: string,
  owner: string,
  to: LogPosition,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('pipelineCursors')
    .set({ positionTx: to.tx, positionId: to.id, updatedAt: now })
    .where('name', '=', name)
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives the lease up (graceful shutdown), so another replica can take over at once. */
export async function releaseCursor(db: Db, name: string, owner: string): Promise<void> {
  await db
    .updateTable('pipelineCursors')
    .set({ leaseOwner: null, leaseUntil: null })
    .where('name', '=', name)
    .where('leaseOwner', '=', owner)
    .execute();
}

/** How far behind the cursor is: unprocessed events (approximate) and the age of the oldest. */
export async function measureLag(
  db: Db,
  name: string,
  now: number,
): Promise<{ events: number; seconds: number }> {
  const cursor = await db
    .selectFrom('pipelineCursors')
    .select(['positionTx', 'positionId'])
    .where('name', '=', name)
    .executeTakeFirst();
  if (cursor === undefined) return { events: 0, seconds: 0 };
  const oldest = await db
    .selectFrom('alertEvents')
    .select('receivedAt')
    .where(sql<boolean>`(tx_id, id) > (${cursor.positionTx}, ${cursor.positionId})`)
    .orderBy('txId')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (oldest === undefined) return { events: 0, seconds: 0 };
  const head = await db
    .selectFrom('alertEvents')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return {
    events: Math.max(0, (head?.id ?? 0) - cursor.positionId),
    seconds: Math.max(0, (now - oldest.receivedAt) / 1000),
  };
}
