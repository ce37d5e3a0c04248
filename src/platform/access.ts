import type { Role, Scope } from '../contracts/access.ts';

/**
 * Who may call a route. Every route declares one (deny by default): a route without a
 * declaration answers 403, and a test walks the route table to keep it that way.
 */
export type Access =
  | { kind: 'public' }
  /** Authenticated by a secret in the URL or body (intake, pings); no user involved. */
  | { kind: 'integration-key' }
  /** A logged-in user or an API token with at least `role`; tokens also need `scope`. */
  | { kind: 'user'; role: Role; scope: Scope | 'session-only' };

/** Anyone, logged in or not. */
export const publicAccess: Access = { kind: 'public' };

/** Authenticated by an integration key the route checks itself. */
export const integrationKeyAccess: Access = { kind: 'integration-key' };

/** A user with `role` or more; API tokens also need `scope`. */
export function requireRole(role: Role, scope: Scope): Access {
  return { kind: 'user', role, scope };
}

/** A user with `role` or more, logged in through the web app; API tokens are refused. */
export function requireSession(role: Role = 'viewer'): Access {
  return { kind: 'user', role, scope: 'session-only' };
}

/** The authenticated caller of a request. */
export interface Principal {
  kind: 'session' | 'token';
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** Set for cookie sessions. */
  sessionId: string | null;
  csrfToken: string | null;
  /** Set for API tokens. */
  tokenId: string | null;
  scopes: readonly Scope[] | null;
}

/** What a route records in the audit log about the object it changed. */
export interface AuditTarget {
  type: string;
  id: string;
  detail?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Required on every route. */
    access?: Access;
    /**
     * The audit action a mutating route records (e.g. `api_token.created`), or `false` for
     * routes whose traffic is recorded elsewhere (intake writes the event log).
     */
    audit?: string | false;
  }
  interface FastifyRequest {
    principal: Principal | null;
    auditTarget: AuditTarget | null;
  }
}
