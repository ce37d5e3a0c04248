import type { Generated } from 'kysely';

// The database as the code sees it: camelCase here, snake_case in SQL (Kysely's CamelCasePlugin
// maps between them). Times are epoch milliseconds. Keep in step with migrations/; the schema
// snapshot test catches drift in the database, review catches drift here.

export interface InstanceTable {
  id: number;
  setupCompletedAt: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  passwordHash: string;
  passwordChangedAt: number;
  createdAt: number;
  updatedAt: number;
  disabledAt: number | null;
}

export interface SessionsTable {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface ApiTokensTable {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  displayPrefix: string;
  /** JSON array of scope strings. */
  scopes: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  revokedAt: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  statusCode: number;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** JSON object with action-specific details, or null. */
  detail: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  uniqueKey: string | null;
  runAt: number;
  /** JSON payload handed to the job's handler. */
  payload: string;
  attempts: Generated<number>;
  maxAttempts: number;
  fence: Generated<number>;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
  failedAt: number | null;
}

/** Every table Steady owns. */
export interface Schema {
  instance: InstanceTable;
  users: UsersTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  auditLog: AuditLogTable;
  jobs: JobsTable;
}
