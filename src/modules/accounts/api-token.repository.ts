import type { Selectable } from 'kysely';
import type { Db } from '../../db/store.ts';
import type { ApiTokensTable } from '../../db/schema.ts';
import type { UserRow } from './user.repository.ts';

export type ApiTokenRow = Selectable<ApiTokensTable>;

/** Stores a new token (its hash, never the token). */
export async function insertApiToken(db: Db, token: ApiTokenRow): Promise<void> {
  await db.insertInto('apiTokens').values(token).execute();
}

/** A token and its owner, by the hash of the token. */
export async function findApiTokenByHash(
  db: Db,
  tokenHash: string,
): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
  const token = await db
    .selectFrom('apiTokens')
    .selectAll()
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (token === undefined) return undefined;
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', token.userId)
    .executeTakeFirst();
  return user === undefined ? undefined : { token, user };
}

/** A user's tokens, newest first. */
export function listUserApiTokens(db: Db, userId: string): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('apiTokens')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Records that a token was used. */
export async function touchApiToken(db: Db, id: string, now: number, ip: string): Promise<void> {
  await db
    .updateTable('apiTokens')
    .set({ lastUsedAt: now, lastUsedIp: ip })
    .where('id', '=', id)
    .execute();
}

/** Revokes one of a user's tokens. Returns the token, or undefined when the user has no such token. */
export async function revokeApiToken(
  db: Db,
  id: string,
  userId: string,
  now: number,
): Promise<ApiTokenRow | undefined> {
  await db
    .updateTable('apiTokens')
    .set({ revokedAt: now })
    .where('id', '=', id)
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .execute();
  return db
    .selectFrom('apiTokens')
    .selectAll()
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
}
