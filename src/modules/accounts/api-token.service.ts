import type { Db } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Principal } from '../../platform/access.ts';
import { notFound } from '../../platform/errors.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import { isRole, isScope, type Scope } from '../../contracts/access.ts';
import {
  displayPrefix,
  generateApiToken,
  hashSecret,
  isWellFormedApiToken,
} from './token-format.ts';
import {
  findApiTokenByHash,
  insertApiToken,
  listUserApiTokens,
  revokeApiToken,
  touchApiToken,
  type ApiTokenRow,
} from './api-token.repository.ts';

const dayMs = 86_400_000;
const touchEveryMs = 60_000;

/** Creates, lists, revokes and resolves API tokens. */
export function createApiTokenService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** Creates a token for a user. The returned `token` is the only time the secret exists in clear. */
    async create(
      userId: string,
      input: { name: string; scopes: readonly Scope[]; expiresInDays?: number | undefined },
    ): Promise<{ token: string; row: ApiTokenRow }> {
      const token = generateApiToken();
      const now = clock.now();
      const row: ApiTokenRow = {
        id: uuidv7(now),
        userId,
        name: input.name.trim(),
        tokenHash: hashSecret(token),
        displayPrefix: displayPrefix(token),
        scopes: JSON.stringify([...new Set(input.scopes)].sort()),
        createdAt: now,
        expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * dayMs,
        lastUsedAt: null,
        lastUsedIp: null,
        revokedAt: null,
      };
      await insertApiToken(db, row);
      return { token, row };
    },

    /** A user's tokens, including revoked ones (shown greyed out). */
    list: (userId: string) => listUserApiTokens(db, userId),

    /** Revokes a token; revoking twice is harmless. */
    async revoke(userId: string, tokenId: string): Promise<ApiTokenRow> {
      const row = await revokeApiToken(db, tokenId, userId, clock.now());
      if (row === undefined) throw notFound('API token', tokenId);
      return row;
    },

    /** The principal for a bearer token, or null when it is malformed, unknown, revoked or expired. */
    async resolve(token: string, ip: string): Promise<Principal | null> {
      if (!isWellFormedApiToken(token)) return null;
      const found = await findApiTokenByHash(db, hashSecret(token));
      if (found === undefined) return null;
      const { token: row, user } = found;
      const now = clock.now();
      if (
        row.revokedAt !== null ||
        (row.expiresAt !== null && now >= row.expiresAt) ||
        user.disabledAt !== null ||
        !isRole(user.role)
      ) {
        return null;
      }
      if (
        row.lastUsedAt === null ||
        now - row.lastUsedAt >= touchEveryMs ||
        row.lastUsedIp !== ip
      ) {
        await touchApiToken(db, row.id, now, ip);
      }
      const parsed: unknown = JSON.parse(row.scopes);
      return {
        kind: 'token',
        userId: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        sessionId: null,
        csrfToken: null,
        tokenId: row.id,
        scopes: Array.isArray(parsed) ? parsed.filter(isScope) : [],
      };
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
