import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/store.ts';
import type { AuditLogTable } from '../../db/schema.ts';

export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Insertable<AuditLogTable>;

/** Appends one entry. The audit log is never updated or deleted through Steady. */
export async function insertAuditEntry(db: Db, entry: NewAuditRow): Promise<void> {
  await db.insertInto('auditLog').values(entry).execute();
}

/** Entries newest first, starting below `beforeId` when given. */
export function listAuditEntries(
  db: Db,
  options: { beforeId: number | null; limit: number },
): Promise<AuditRow[]> {
  let query = db.selectFrom('auditLog').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.beforeId !== null) query = query.where('id', '<', options.beforeId);
  return query.execute();
}
