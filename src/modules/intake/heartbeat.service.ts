import type { IncomingHttpHeaders } from 'node:http';
import type { Db, Store } from '../../db/store.ts';
import { isCanonicalUuid, parsePingSuffix } from '../../intake/heartbeat-ping.ts';
import { cleanText } from '../../intake/fields.ts';
import type { Scheduler } from '../../jobs/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Counter } from '../../platform/metrics.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import {
  updateHeartbeatMonitor,
  findHeartbeatMonitors,
  lockHeartbeatMonitor,
  type IntegrationLookup,
  type IntegrationService,
} from '../integrations/index.ts';
import {
  applyHeartbeatSignal,
  type HeartbeatSignal,
  type MonitorState,
} from './heartbeat-state.ts';
import { lockEventLog, type NewAlertEvent } from './event-log.repository.ts';

export const heartbeatCheckJob = 'heartbeat.check';

/** healthchecks.io stores the first 10,000 bytes of a ping body by default; so does Steady. */
const bodyKept = 10_000;

export interface PingRequest {
  key: string;
  /** What follows the key in the URL: '', start, fail, log or an exit status. */
  suffix: string;
  method: string;
  runId: string | undefined;
  body: Buffer | undefined;
  headers: IncomingHttpHeaders;
  ip: string;
}

/** The plain-text answer healthchecks clients expect. */
export interface PingAnswer {
  status: number;
  text: string;
  retryAfterSeconds?: number;
}

function toMonitorState(row: {
  status: string;
  periodSeconds: number;
  graceSeconds: number;
  lastSuccessAt: number | null;
  dueAt: number | null;
}): MonitorState {
  return {
    status: row.status === 'up' || row.status === 'down' ? row.status : 'new',
    periodSeconds: row.periodSeconds,
    graceSeconds: row.graceSeconds,
    lastSuccessAt: row.lastSuccessAt,
    dueAt: row.dueAt,
  };
}

/**
 * Heartbeat monitors (cron and job monitors): pings move a monitor's state and its check
 * timer; the timer (a durable job) raises an alert through the event log when no success
 * came within period + grace. Pings are stored like any other intake request.
 */
export function createHeartbeatService(deps: {
  store: Store;
  clock: Clock;
  scheduler: Scheduler;
  integrations: IntegrationService;
  checkRate: (integration: IntegrationLookup) => { retryAfterSeconds?: number } | null;
  /** Counts an unknown key against an address; resolves after a pause once it tried too many. */
  noteUnknown: (ip: string) => Promise<void>;
  onCommitted: (events: number) => void;
  pings: Counter;
}) {
  const { store, clock, scheduler, integrations } = deps;

  /** Applies a signal to a monitor inside `trx`: state, event log and timer, all or nothing. */
  async function apply(
    trx: Db,
    integration: IntegrationLookup,
    signal: HeartbeatSignal,
    request: { body: string; headers: Record<string, string>; ip: string | null },
  ): Promise<number> {
    const now = clock.now();
    const monitor = await lockHeartbeatMonitor(trx, store.engine, integration.id);
    if (monitor === undefined) return 0;
    const next = applyHeartbeatSignal(toMonitorState(monitor), signal, now, integration.name);
    const requestId = uuidv7(now);
    const events = next.event === null ? 0 : 1;
    if (signal.kind !== 'check' || next.event !== null) {
      await trx
        .insertInto('intakeRequests')
        .values({
          id: requestId,
          integrationId: integration.id,
          receivedAt: now,
          format: 'heartbeat',
          body: request.body,
          headers: JSON.stringify(request.headers),
          remoteIp: request.ip,
          eventCount: events,
        })
        .execute();
    }
    if (next.event !== null) {
      await lockEventLog(trx, store.engine);
      const e = next.event;
      const row: NewAlertEvent = {
        requestId,
        integrationId: integration.id,
        serviceId: integration.serviceId,
        receivedAt: now,
        action: e.action,
        dedupKey: e.dedupKey,
        summary: e.summary,
        severity: e.severity,
        source: e.source,
        component: e.component,
        groupName: e.group,
        class: e.class,
        occurredAt: null,
        labels: JSON.stringify(e.labels),
        details: JSON.stringify(e.details),
        links: '[]',
        images: '[]',
      };
      await trx.insertInto('alertEvents').values(row).execute();
    }
    await updateHeartbeatMonitor(trx, integration.id, {
      status: next.status,
      dueAt: next.dueAt,
      updatedAt: now,
      ...(next.pingedAt === null ? {} : { lastPingAt: next.pingedAt }),
      ...(next.lastSuccessAt === null ? {} : { lastSuccessAt: next.lastSuccessAt }),
      ...(next.lastFailureAt === null ? {} : { lastFailureAt: next.lastFailureAt }),
      ...(next.lastStartAt === null ? {} : { lastStartAt: next.lastStartAt }),
      ...(signal.kind === 'success' || signal.kind === 'fail'
        ? { lastExitCode: next.lastExitCode }
        : {}),
    });
    if (next.dueAt !== null && next.dueAt !== monitor.dueAt) {
      await scheduler.reschedule(trx, {
        kind: heartbeatCheckJob,
        uniqueKey: `heartbeat:${integration.id}`,
        runAt: next.dueAt,
        payload: { integrationId: integration.id },
      });
    }
    return events;
  }

  return {
    /** Handles /ping/<uuid>[/start|/fail|/log|/<exit status>]. */
    async ping(request: PingRequest): Promise<PingAnswer> {
      const parsed = parsePingSuffix(request.suffix);
      if (!parsed.ok) return { status: 400, text: parsed.message };
      if (request.runId !== undefined && !isCanonicalUuid(request.runId))
        return { status: 400, text: 'invalid uuid format' };
      const integration = await integrations.lookupByKey(request.key);
      if (integration?.type !== 'heartbeat') {
        deps.pings.inc({ outcome: 'unknown_key' });
        await deps.noteUnknown(request.ip);
        return { status: 404, text: 'not found' };
      }
      const limited = deps.checkRate(integration);
      if (limited !== null) {
        deps.pings.inc({ outcome: 'rate_limited' });
        return {
          status: 429,
          text: 'rate limit exceeded',
          ...(limited.retryAfterSeconds === undefined
            ? {}
            : { retryAfterSeconds: limited.retryAfterSeconds }),
        };
      }
      const signal: HeartbeatSignal =
        parsed.signal === 'success' || parsed.signal === 'fail'
          ? { kind: parsed.signal, exitCode: parsed.exitCode }
          : { kind: parsed.signal };
      // Ping bodies are job output: invalid UTF-8 is kept as U+FFFD rather than refused, so a
      // successful job with binary output never looks like a missed heartbeat.
      const body =
        request.body === undefined
          ? ''
          : cleanText(request.body.subarray(0, bodyKept).toString('utf8'), bodyKept);
      const headers: Record<string, string> = { method: request.method };
      if (request.runId !== undefined) headers.rid = request.runId;
      const userAgent = request.headers['user-agent'];
      if (userAgent !== undefined) headers['user-agent'] = userAgent.slice(0, 300);
      const events = await store.db
        .transaction()
        .execute((trx) => apply(trx, integration, signal, { body, headers, ip: request.ip }));
      deps.pings.inc({ outcome: parsed.signal });
      if (events > 0) deps.onCommitted(events);
      return { status: 200, text: 'OK' };
    },

    /** The check timer: raises "missed" when no success arrived in time, else waits for the new due time. */
    async check(payload: unknown): Promise<{ rescheduleAt: number } | undefined> {
      const integrationId = (payload as { integrationId?: unknown } | null)?.integrationId;
      if (typeof integrationId !== 'string') return undefined;
      let integration: Awaited<ReturnType<IntegrationService['get']>>;
      try {
        integration = await integrations.get(integrationId);
      } catch {
        return undefined; // deleted: nothing to watch
      }
      if (integration.disabledAt !== null) return undefined;
      const lookup: IntegrationLookup = {
        id: integration.id,
        serviceId: integration.serviceId,
        type: 'heartbeat',
        name: integration.name,
        rateLimitPerMinute: null,
        signingSecret: null,
      };
      const events = await store.db
        .transaction()
        .execute((trx) =>
          apply(
            trx,
            lookup,
            { kind: 'check' },
            { body: '', headers: { 'x-steady': 'heartbeat check timer' }, ip: null },
          ),
        );
      if (events > 0) {
        deps.onCommitted(events);
        return undefined;
      }
      const [monitor] = await findHeartbeatMonitors(store.db, [integrationId]);
      return monitor?.status === 'up' && monitor.dueAt !== null && monitor.dueAt > clock.now()
        ? { rescheduleAt: monitor.dueAt }
        : undefined;
    },
  };
}

export type HeartbeatService = ReturnType<typeof createHeartbeatService>;
