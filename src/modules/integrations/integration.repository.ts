import type { Insertable, Selectable } from 'kysely';
import type { Db, Engine } from '../../db/store.ts';
import type {
  HeartbeatMonitorsTable,
  IntakeRejectionsTable,
  IntegrationsTable,
} from '../../db/schema.ts';

export type IntegrationRow = Selectable<IntegrationsTable>;
export type HeartbeatMonitorRow = Selectable<HeartbeatMonitorsTable>;
export type RejectionRow = Selectable<IntakeRejectionsTable>;

export async function insertIntegration(db: Db, row: IntegrationRow): Promise<void> {
  await db.insertInto('integrations').values(row).execute();
}

/** A live integration (of a live service) by id. */
export function findIntegration(db: Db, id: string): Promise<IntegrationRow | undefined> {
  return db
    .selectFrom('integrations')
    .innerJoin('services', 'services.id', 'integrations.serviceId')
    .selectAll('integrations')
    .where('integrations.id', '=', id)
    .where('integrations.deletedAt', 'is', null)
    .where('services.deletedAt', 'is', null)
    .executeTakeFirst();
}

/** Live integrations, optionally of one service, oldest first. */
export function listIntegrations(db: Db, serviceId?: string): Promise<IntegrationRow[]> {
  let query = db
    .selectFrom('integrations')
    .innerJoin('services', 'services.id', 'integrations.serviceId')
    .selectAll('integrations')
    .where('integrations.deletedAt', 'is', null)
    .where('services.deletedAt', 'is', null)
    .orderBy('integrations.createdAt')
    .orderBy('integrations.id');
  if (serviceId !== undefined) query = query.where('integrations.serviceId', '=', serviceId);
  return query.execute();
}

/**
 * The enabled, live integration whose current key, or whose previous key still inside its
 * overlap window, hashes to `keyHash`.
 */
export function findIntegrationByKeyHash(
  db: Db,
  keyHash: string,
  now: number,
): Promise<IntegrationRow | undefined> {
  return db
    .selectFrom('integrations')
    .innerJoin('services', 'services.id', 'integrations.serviceId')
    .selectAll('integrations')
    .where((eb) =>
      eb.or([
        eb('integrations.keyHash', '=', keyHash),
        eb.and([
          eb('integrations.previousKeyHash', '=', keyHash),
          eb('integrations.previousKeyExpiresAt', '>', now),
        ]),
      ]),
    )
    .where('integrations.deletedAt', 'is', null)
    .where('integrations.disabledAt', 'is', null)
    .where('services.deletedAt', 'is', null)
    .executeTakeFirst();
}

export async function updateIntegration(
  db: Db,
  id: string,
  changes: Partial<Omit<IntegrationRow, 'id' | 'serviceId' | 'type' | 'createdAt'>> & {
    updatedAt: number;
  },
): Promise<void> {
  await db.updateTable('integrations').set(changes).where('id', '=', id).execute();
}

/** Soft-deletes every integration of a service. */
export async function deleteServiceIntegrations(
  db: Db,
  serviceId: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ deletedAt: now, updatedAt: now })
    .where('serviceId', '=', serviceId)
    .where('deletedAt', 'is', null)
    .execute();
}

export async function insertHeartbeatMonitor(db: Db, row: HeartbeatMonitorRow): Promise<void> {
  await db.insertInto('heartbeatMonitors').values(row).execute();
}

export function findHeartbeatMonitors(
  db: Db,
  integrationIds: readonly string[],
): Promise<HeartbeatMonitorRow[]> {
  if (integrationIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('heartbeatMonitors')
    .selectAll()
    .where('integrationId', 'in', integrationIds)
    .execute();
}

/** A heartbeat monitor, locked for the rest of the transaction (SQLite's BEGIN IMMEDIATE already is). */
export function lockHeartbeatMonitor(
  db: Db,
  engine: Engine,
  integrationId: string,
): Promise<HeartbeatMonitorRow | undefined> {
  const query = db
    .selectFrom('heartbeatMonitors')
    .selectAll()
    .where('integrationId', '=', integrationId);
  return (engine === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

export async function updateHeartbeatMonitor(
  db: Db,
  integrationId: string,
  changes: Partial<Omit<HeartbeatMonitorRow, 'integrationId'>>,
): Promise<void> {
  await db
    .updateTable('heartbeatMonitors')
    .set(changes)
    .where('integrationId', '=', integrationId)
    .execute();
}

/** How many rejected requests are kept per integration. */
export const rejectionsKept = 50;

/** Records a rejected request and forgets all but the newest `rejectionsKept` of the integration. */
export async function insertRejection(
  db: Db,
  row: Insertable<IntakeRejectionsTable>,
): Promise<void> {
  await db.insertInto('intakeRejections').values(row).execute();
  const cutoff = await db
    .selectFrom('intakeRejections')
    .select('id')
    .where('integrationId', '=', row.integrationId)
    .orderBy('id', 'desc')
    .offset(rejectionsKept)
    .limit(1)
    .executeTakeFirst();
  if (cutoff !== undefined) {
    await db
      .deleteFrom('intakeRejections')
      .where('integrationId', '=', row.integrationId)
      .where('id', '<=', cutoff.id)
      .execute();
  }
}

/** An integration's kept rejections, newest first. */
export function listRejections(db: Db, integrationId: string): Promise<RejectionRow[]> {
  return db
    .selectFrom('intakeRejections')
    .selectAll()
    .where('integrationId', '=', integrationId)
    .orderBy('id', 'desc')
    .limit(rejectionsKept)
    .execute();
}
