/**
 * Roles and token scopes, shared by the server, the web app and the CLI.
 * Plain constants (no schema library) so the web bundle can import them cheaply.
 */

/** Roles from least to most powerful; each includes what the ones before it may do. */
export const roles = ['viewer', 'responder', 'admin', 'owner'] as const;
export type Role = (typeof roles)[number];

/** True when `role` is `needed` or more powerful. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(needed);
}

/** True when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The areas an API token can be scoped to. */
export const scopeAreas = [
  'alerts',
  'incidents',
  'services',
  'integrations',
  'users',
  'audit',
] as const;
export type ScopeArea = (typeof scopeAreas)[number];

/** `<area>:read` or `<area>:write`; write includes read of the same area. */
export type Scope = `${ScopeArea}:${'read' | 'write'}`;

/** Every scope a token can carry (the audit log is read-only, so it has no write scope). */
export const scopes: readonly Scope[] = scopeAreas.flatMap((area): Scope[] =>
  area === 'audit' ? [`${area}:read`] : [`${area}:read`, `${area}:write`],
);

/** True when `value` names a scope. */
export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (scopes as readonly string[]).includes(value);
}

/** True when a token holding `granted` may call a route that needs `needed`. */
export function scopeGrants(granted: readonly Scope[], needed: Scope): boolean {
  if (granted.includes(needed)) return true;
  const [area, level] = needed.split(':') as [ScopeArea, 'read' | 'write'];
  return level === 'read' && granted.includes(`${area}:write`);
}
