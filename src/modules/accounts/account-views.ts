import type { ApiTokenView, SessionView, UserView } from '../../contracts/accounts.ts';
import { isRole, isScope } from '../../contracts/access.ts';
import type { ApiTokenRow } from './api-token.repository.ts';
import type { SessionRow } from './session.repository.ts';
import type { UserRow } from './user.repository.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The public view of a user (never the password hash). */
export function toUserView(user: UserRow): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: isRole(user.role) ? user.role : 'viewer',
    createdAt: iso(user.createdAt),
    disabled: user.disabledAt !== null,
  };
}

/** The public view of an API token (never its hash). */
export function toApiTokenView(token: ApiTokenRow): ApiTokenView {
  const parsed: unknown = JSON.parse(token.scopes);
  return {
    id: token.id,
    name: token.name,
    prefix: token.displayPrefix,
    scopes: Array.isArray(parsed) ? parsed.filter(isScope) : [],
    createdAt: iso(token.createdAt),
    expiresAt: isoOrNull(token.expiresAt),
    lastUsedAt: isoOrNull(token.lastUsedAt),
    lastUsedIp: token.lastUsedIp,
    revokedAt: isoOrNull(token.revokedAt),
  };
}

/** The public view of a login session. */
export function toSessionView(session: SessionRow, currentId: string | null): SessionView {
  return {
    id: session.id,
    createdAt: iso(session.createdAt),
    lastSeenAt: iso(session.lastSeenAt),
    expiresAt: iso(session.expiresAt),
    ip: session.ip,
    userAgent: session.userAgent,
    current: session.id === currentId,
  };
}
