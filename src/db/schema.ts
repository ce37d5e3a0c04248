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

export interface ServicesTable {
  id: string;
  name: string;
  description: string;
  team: string;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface IntegrationsTable {
  id: string;
  serviceId: string;
  name: string;
  type: string;
  keyHash: string;
  keyPrefix: string;
  previousKeyHash: string | null;
  previousKeyExpiresAt: number | null;
  /** Encrypted with the instance secret key (see platform/secret-box.ts). */
  signingSecret: string | null;
  rateLimitPerMinute: number | null;
  createdAt: number;
  updatedAt: number;
  disabledAt: number | null;
  deletedAt: number | null;
}

export interface IntakeRequestsTable {
  id: string;
  integrationId: string;
  receivedAt: number;
  format: string;
  body: string;
  /** JSON object of the request headers that matter. */
  headers: string;
  remoteIp: string | null;
  eventCount: number;
}

export interface AlertEventsTable {
  id: Generated<number>;
  requestId: string;
  integrationId: string;
  serviceId: string;
  receivedAt: number;
  action: string;
  dedupKey: string;
  summary: string;
  severity: string;
  source: string | null;
  component: string | null;
  groupName: string | null;
  class: string | null;
  occurredAt: number | null;
  /** JSON object of string labels. */
  labels: string;
  /** JSON value (custom details, annotations), or null. */
  details: string | null;
  /** JSON array of { href, text }. */
  links: string;
  /** JSON array of { src, href?, alt? }. */
  images: string;
}

export interface AlertsTable {
  id: string;
  integrationId: string;
  serviceId: string;
  dedupKey: string;
  status: string;
  summary: string;
  severity: string;
  source: string | null;
  component: string | null;
  groupName: string | null;
  class: string | null;
  labels: string;
  details: string | null;
  links: string;
  images: string;
  eventCount: number;
  firstSeenAt: number;
  lastSeenAt: number;
  firstEventId: number;
  lastEventId: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
  incidentId: string | null;
  groupKey: string | null;
  noise: string | null;
  notifiedAt: number | null;
}

export interface IntakeRejectionsTable {
  id: Generated<number>;
  integrationId: string;
  receivedAt: number;
  statusCode: number;
  code: string;
  message: string;
  field: string | null;
  contentType: string | null;
  bodyExcerpt: string;
  remoteIp: string | null;
}

export interface IntakeWebhookIdsTable {
  integrationId: string;
  webhookId: string;
  receivedAt: number;
}

export interface HeartbeatMonitorsTable {
  integrationId: string;
  periodSeconds: number;
  graceSeconds: number;
  status: string;
  lastPingAt: number | null;
  lastStartAt: number | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastExitCode: number | null;
  dueAt: number | null;
  updatedAt: number;
}

export interface PipelineCursorsTable {
  name: string;
  /** The id of the last event processed. */
  position: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  updatedAt: number;
}

export interface IncidentsTable {
  id: string;
  number: number;
  serviceId: string;
  groupKey: string;
  title: string;
  status: string;
  priority: string;
  prioritySetByUser: number;
  resolution: string | null;
  alertCount: number;
  timelineSeq: number;
  notificationCount: number;
  lastNotifiedAt: number | null;
  openedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  updatedAt: number;
}

export interface IncidentTimelineTable {
  id: Generated<number>;
  incidentId: string;
  sequence: number;
  at: number;
  actor: string;
  kind: string;
  message: string;
  data: string | null;
}

export interface IncidentNotificationsTable {
  id: string;
  incidentId: string;
  sequence: number;
  kind: string;
  dueAt: number;
  alertIds: string;
  createdAt: number;
}

export interface ServiceNoiseRulesTable {
  serviceId: string;
  rules: string;
  updatedAt: number;
}

export interface ServiceDependenciesTable {
  serviceId: string;
  dependsOnId: string;
  createdAt: number;
}

export interface SilencesTable {
  id: string;
  kind: string;
  serviceIds: string;
  matchers: string;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: string;
  createdAt: number;
}

export interface AlertGroupWindowsTable {
  groupKey: string;
  times: string;
  updatedAt: number;
}

export interface AlertFlapHistoryTable {
  integrationId: string;
  dedupKey: string;
  changes: string;
  lastPagedAt: number | null;
  updatedAt: number;
}

/** Every table Steady owns. */
export interface Schema {
  instance: InstanceTable;
  users: UsersTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  auditLog: AuditLogTable;
  jobs: JobsTable;
  services: ServicesTable;
  integrations: IntegrationsTable;
  intakeRequests: IntakeRequestsTable;
  alertEvents: AlertEventsTable;
  alerts: AlertsTable;
  intakeRejections: IntakeRejectionsTable;
  intakeWebhookIds: IntakeWebhookIdsTable;
  heartbeatMonitors: HeartbeatMonitorsTable;
  pipelineCursors: PipelineCursorsTable;
  incidents: IncidentsTable;
  incidentTimeline: IncidentTimelineTable;
  incidentNotifications: IncidentNotificationsTable;
  serviceNoiseRules: ServiceNoiseRulesTable;
  serviceDependencies: ServiceDependenciesTable;
  silences: SilencesTable;
  alertGroupWindows: AlertGroupWindowsTable;
  alertFlapHistory: AlertFlapHistoryTable;
}
