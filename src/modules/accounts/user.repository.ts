import type { Selectable } from 'kysely';
import type { Db } from '../../db/store.ts';
import type { UsersTable } from '../../db/schema.ts';

export type UserRow = Selectable<UsersTable>;

/** The user with this (normalised) email, or undefined. */
export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** The user with this id, or undefined. */
export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every user, oldest first. */
export function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('createdAt').orderBy('id').execute();
}

/** Inserts a user; throws a unique violation when the email is taken. */
export async function insertUser(db: Db, user: UserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

/** Updates some columns of one user. */
export async function updateUser(
  db: Db,
  id: string,
  changes: Partial<
    Pick<UserRow, 'name' | 'role' | 'passwordHash' | 'passwordChangedAt' | 'disabledAt'>
  > & { updatedAt: number },
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

/** How many owners can still log in. */
export async function countActiveOwners(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'owner')
    .where('disabledAt', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** True once first-run setup created the owner. */
export async function isSetupComplete(db: Db): Promise<boolean> {
  const row = await db.selectFrom('instance').select('id').where('id', '=', 1).executeTakeFirst();
  return row !== undefined;
}

/** Marks first-run setup done; throws a unique violation if it was done already. */
export async function markSetupComplete(db: Db, now: number): Promise<void> {
  await db.insertInto('instance').values({ id: 1, setupCompletedAt: now }).execute();
}
