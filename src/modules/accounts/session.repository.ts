import type { Selectable } from 'kysely';
import type { Db } from '../../db/store.ts';
import type { SessionsTable } from '../../db/schema.ts';
import type { UserRow } from './user.repository.ts';

export type SessionRow = Selectable<SessionsTable>;

/** Stores a new session. */
export async function insertSession(db: Db, session: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

/** A session and its user, by session id (the hash of the cookie value). */
export async function findSessionWithUser(
  db: Db,
  id: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .select([
      'sessions.id as sessionId',
      'sessions.csrfToken',
      'sessions.createdAt as sessionCreatedAt',
      'sessions.lastSeenAt',
      'sessions.expiresAt',
      'sessions.ip',
      'sessions.userAgent',
      'users.id as userId',
      'users.email',
      'users.name',
      'users.role',
      'users.passwordHash',
      'users.passwordChangedAt',
      'users.createdAt as userCreatedAt',
      'users.updatedAt',
      'users.disabledAt',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    session: {
      id: row.sessionId,
      userId: row.userId,
      csrfToken: row.csrfToken,
      createdAt: row.sessionCreatedAt,
      lastSeenAt: row.lastSeenAt,
      expiresAt: row.expiresAt,
      ip: row.ip,
      userAgent: row.userAgent,
    },
    user: {
      id: row.userId,
      email: row.email,
      name: row.name,
      role: row.role,
      passwordHash: row.passwordHash,
      passwordChangedAt: row.passwordChangedAt,
      createdAt: row.userCreatedAt,
      updatedAt: row.updatedAt,
      disabledAt: row.disabledAt,
    },
  };
}

/** Records activity on a session (sliding idle timeout). */
export async function touchSession(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ lastSeenAt: now }).where('id', '=', id).execute();
}

/** Ends one session of one user. Returns whether it existed. */
export async function deleteSession(db: Db, id: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends every session of a user, optionally keeping one. */
export async function deleteUserSessions(db: Db, userId: string, keepId?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('userId', '=', userId);
  if (keepId !== undefined) query = query.where('id', '!=', keepId);
  await query.execute();
}

/** Deletes sessions past their absolute expiry or idle for longer than `idleMs`. Returns how many. */
export async function deleteExpiredSessions(db: Db, now: number, idleMs: number): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expiresAt', '<=', now), eb('lastSeenAt', '<=', now - idleMs)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A user's sessions, most recent first. */
export function listUserSessions(db: Db, userId: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('lastSeenAt', 'desc')
    .execute();
}
