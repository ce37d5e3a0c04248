import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Principal } from '../../platform/access.ts';
import { isRole } from '../../contracts/access.ts';
import { hashSecret } from './token-format.ts';
import {
  deleteExpiredSessions,
  deleteSession,
  findSessionWithUser,
  insertSession,
  listUserSessions,
  touchSession,
  type SessionRow,
} from './session.repository.ts';

interface SessionPolicy {
  idleMs: number;
  maxAgeMs: number;
}

// Writing last_seen_at on every request would turn reads into writes; once a minute keeps the
// idle timeout accurate to a minute.
const touchEveryMs = 60_000;

/** Starts, resolves and ends login sessions. */
export function createSessionService(deps: { db: Db; clock: Clock; policy: SessionPolicy }) {
  const { db, clock, policy } = deps;
  return {
    policy,

    /** Starts a session; returns the cookie value (shown to the browser only) and the row. */
    async start(
      userId: string,
      meta: { ip: string; userAgent: string | undefined },
    ): Promise<{ cookieValue: string; session: SessionRow }> {
      const cookieValue = randomBytes(32).toString('base64url');
      const now = clock.now();
      const session: SessionRow = {
        id: hashSecret(cookieValue),
        userId,
        csrfToken: randomBytes(32).toString('base64url'),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + policy.maxAgeMs,
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      };
      await insertSession(db, session);
      return { cookieValue, session };
    },

    /** The principal for a cookie value, or null when the session is unknown, expired or its user disabled. */
    async resolve(cookieValue: string): Promise<Principal | null> {
      if (cookieValue.length > 100) return null;
      const found = await findSessionWithUser(db, hashSecret(cookieValue));
      if (found === undefined) return null;
      const { session, user } = found;
      const now = clock.now();
      if (
        now >= session.expiresAt ||
        now - session.lastSeenAt >= policy.idleMs ||
        user.disabledAt !== null ||
        !isRole(user.role)
      ) {
        return null;
      }
      if (now - session.lastSeenAt >= touchEveryMs) await touchSession(db, session.id, now);
      return {
        kind: 'session',
        userId: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        sessionId: session.id,
        csrfToken: session.csrfToken,
        tokenId: null,
        scopes: null,
      };
    },

    /** Ends one of a user's sessions. Returns whether it existed. */
    end: (sessionId: string, userId: string) => deleteSession(db, sessionId, userId),

    /** A user's live sessions. */
    async list(userId: string): Promise<SessionRow[]> {
      const now = clock.now();
      const rows = await listUserSessions(db, userId);
      return rows.filter((s) => now < s.expiresAt && now - s.lastSeenAt < policy.idleMs);
    },

    /** Deletes expired sessions; returns how many. Run by the sessions.purge job. */
    purgeExpired: () => deleteExpiredSessions(db, clock.now(), policy.idleMs),
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
