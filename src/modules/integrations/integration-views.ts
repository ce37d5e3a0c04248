import { intakePath, type IntegrationType } from '../../contracts/integration-types.ts';
import type { IntegrationView, RejectionView } from '../../contracts/integrations.ts';
import type {
  HeartbeatMonitorRow,
  IntegrationRow,
  RejectionRow,
} from './integration.repository.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The full URL a sender uses for an integration, with `key` (or a placeholder) filled in. */
export function intakeUrl(baseUrl: string, type: IntegrationType, key: string): string {
  return `${baseUrl}${intakePath(type, key)}`;
}

/** The public view of an integration (never the key or the secret). */
export function toIntegrationView(
  row: IntegrationRow,
  monitor: HeartbeatMonitorRow | undefined,
  baseUrl: string,
): IntegrationView {
  const type = row.type as IntegrationType;
  return {
    id: row.id,
    serviceId: row.serviceId,
    name: row.name,
    type,
    keyPrefix: row.keyPrefix,
    intakeUrl: intakeUrl(baseUrl, type, '<key>'),
    signed: row.signingSecret !== null,
    rateLimitPerMinute: row.rateLimitPerMinute,
    enabled: row.disabledAt === null,
    previousKeyExpiresAt: iso(row.previousKeyExpiresAt),
    heartbeat:
      monitor === undefined
        ? null
        : {
            periodSeconds: monitor.periodSeconds,
            graceSeconds: monitor.graceSeconds,
            status: monitor.status === 'up' || monitor.status === 'down' ? monitor.status : 'new',
            lastPingAt: iso(monitor.lastPingAt),
            lastSuccessAt: iso(monitor.lastSuccessAt),
            dueAt: iso(monitor.dueAt),
          },
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export function toRejectionView(row: RejectionRow): RejectionView {
  return {
    id: row.id,
    receivedAt: new Date(row.receivedAt).toISOString(),
    statusCode: row.statusCode,
    code: row.code,
    message: row.message,
    field: row.field,
    contentType: row.contentType,
    bodyExcerpt: row.bodyExcerpt,
    remoteIp: row.remoteIp,
  };
}
