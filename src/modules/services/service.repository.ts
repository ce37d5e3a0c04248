import type { Selectable } from 'kysely';
import type { Db } from '../../db/store.ts';
import type { ServicesTable } from '../../db/schema.ts';

export type ServiceRow = Selectable<ServicesTable>;

/** Live services by name, optionally only the one named `name`. */
export function listServices(db: Db, name?: string): Promise<ServiceRow[]> {
  let query = db.selectFrom('services').selectAll().where('deletedAt', 'is', null).orderBy('name');
  if (name !== undefined) query = query.where('name', '=', name);
  return query.execute();
}

/** A live service by id. */
export function findService(db: Db, id: string): Promise<ServiceRow | undefined> {
  return db
    .selectFrom('services')
    .selectAll()
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

export async function insertService(db: Db, row: ServiceRow): Promise<void> {
  await db.insertInto('services').values(row).execute();
}

export async function updateService(
  db: Db,
  id: string,
  changes: Partial<Pick<ServiceRow, 'name' | 'description' | 'team' | 'deletedAt'>> & {
    updatedAt: number;
  },
): Promise<void> {
  await db.updateTable('services').set(changes).where('id', '=', id).execute();
}
