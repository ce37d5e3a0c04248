import type { AlertStatus } from '../../contracts/alerts.ts';

/** What an event carries to its alert, and the alert shows of its latest trigger. */
export interface AlertPayload {
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
}

/** The fields of AlertPayload, in the order of the alerts table. */
export const alertPayloadFields = [
  'summary',
  'severity',
  'source',
  'component',
  'groupName',
  'class',
  'labels',
  'details',
  'links',
  'images',
] as const satisfies readonly (keyof AlertPayload)[];

/**
 * The alert fields deduplication reads and writes (a row of `alerts`). The payload may be
 * absent on an alert read from the store: deduplication decides on identity, status and
 * counters alone, and a trigger replaces the whole payload, so the hot path need not read it.
 */
export interface AlertState extends Partial<AlertPayload> {
  id: string;
  integrationId: string;
  serviceId: string;
  dedupKey: string;
  status: AlertStatus;
  eventCount: number;
  firstSeenAt: number;
  lastSeenAt: number;
  firstEventId: number;
  lastEventId: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The columns deduplication decides on, without the payload. */
export type AlertControl = Omit<AlertState, keyof AlertPayload>;

/** A copy of an alert's control columns as a plain object of fixed shape. */
export function alertControl(alert: AlertControl): AlertState {
  return {
    id: alert.id,
    integrationId: alert.integrationId,
    serviceId: alert.serviceId,
    dedupKey: alert.dedupKey,
    status: alert.status,
    eventCount: alert.eventCount,
    firstSeenAt: alert.firstSeenAt,
    lastSeenAt: alert.lastSeenAt,
    firstEventId: alert.firstEventId,
    lastEventId: alert.lastEventId,
    acknowledgedAt: alert.acknowledgedAt,
    resolvedAt: alert.resolvedAt,
    createdAt: alert.createdAt,
    updatedAt: alert.updatedAt,
  };
}

/** The event fields deduplication reads (a row of `alert_events`). */
export interface EventFacts {
  id: number;
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
  labels: string;
  details: string | null;
  links: string;
  images: string;
}

/** What an event did to its alert. */
export type AlertTransition =
  'created' | 'retriggered' | 'acknowledged' | 'resolved' | 'unchanged' | 'ignored';

export interface DedupResult {
  /** The alert after the event (null when the event was ignored). */
  alert: AlertState | null;
  transition: AlertTransition;
}

/**
 * Applies one event to the open alert with its integration and dedup key (PagerDuty
 * semantics): a trigger opens an alert or counts a repeat on the open one (keeping its
 * acknowledgement); acknowledge and resolve change the open alert; acknowledge or resolve for
 * a key with no open alert is ignored. A trigger after a resolve opens a new alert.
 */
export function applyEvent(
  open: AlertState | null,
  event: EventFacts,
  newId: (receivedAt: number) => string,
): DedupResult {
  const at = event.receivedAt;
  switch (event.action) {
    case 'trigger': {
      const payload = {
        summary: event.summary,
        severity: event.severity,
        source: event.source,
        component: event.component,
        groupName: event.groupName,
        class: event.class,
        labels: event.labels,
        details: event.details,
        links: event.links,
        images: event.images,
        lastSeenAt: at,
        lastEventId: event.id,
        updatedAt: at,
      };
      if (open === null) {
        return {
          transition: 'created',
          alert: {
            id: newId(at),
            integrationId: event.integrationId,
            serviceId: event.serviceId,
            dedupKey: event.dedupKey,
            status: 'triggered',
            eventCount: 1,
            firstSeenAt: at,
            firstEventId: event.id,
            acknowledgedAt: null,
            resolvedAt: null,
            createdAt: at,
            ...payload,
          },
        };
      }
      return {
        transition: 'retriggered',
        alert: { ...open, ...payload, eventCount: open.eventCount + 1 },
      };
    }
    case 'acknowledge':
      if (open === null) return { transition: 'ignored', alert: null };
      if (open.status === 'acknowledged')
        return { transition: 'unchanged', alert: { ...open, lastEventId: event.id } };
      return {
        transition: 'acknowledged',
        alert: {
          ...open,
          status: 'acknowledged',
          acknowledgedAt: at,
          lastEventId: event.id,
          updatedAt: at,
        },
      };
    case 'resolve':
      if (open === null) return { transition: 'ignored', alert: null };
      return {
        transition: 'resolved',
        alert: {
          ...open,
          status: 'resolved',
          resolvedAt: at,
          lastEventId: event.id,
          updatedAt: at,
        },
      };
    default:
      return { transition: 'ignored', alert: null };
  }
}

/** The key deduplication groups by. */
export function alertKey(integrationId: string, dedupKey: string): string {
  return `${integrationId}\u0000${dedupKey}`;
}

export interface BatchDedup {
  /** Per event, in order: the alert it touched (or null) and how. */
  perEvent: { event: EventFacts; alertId: string | null; transition: AlertTransition }[];
  /**
   * Every alert touched, in its final state, marked new or changed, and whether a trigger in
   * the batch replaced its payload (a new alert always has one; an acknowledge or resolve
   * changes only its status and counters).
   */
  writes: { alert: AlertState; isNew: boolean; payloadChanged: boolean }[];
}

/**
 * Applies a batch of events in log order, starting from the open alerts already stored, and
 * says which rows to insert or update (each alert written once per batch, however many events
 * touched it).
 */
export function deduplicateBatch(
  events: readonly EventFacts[],
  stored: ReadonlyMap<string, AlertState>,
  newId: (receivedAt: number) => string,
): BatchDedup {
  const open = new Map(stored);
  const finals = new Map<string, BatchDedup['writes'][number]>();
  const perEvent: BatchDedup['perEvent'] = [];
  for (const event of events) {
    const key = alertKey(event.integrationId, event.dedupKey);
    const { alert, transition } = applyEvent(open.get(key) ?? null, event, newId);
    perEvent.push({ event, alertId: alert?.id ?? null, transition });
    if (alert === null) continue;
    const previous = finals.get(alert.id);
    const triggered = transition === 'created' || transition === 'retriggered';
    finals.set(alert.id, {
      alert,
      isNew: previous?.isNew ?? transition === 'created',
      payloadChanged: (previous?.payloadChanged ?? false) || triggered,
    });
    if (alert.status === 'resolved') open.delete(key);
    else open.set(key, alert);
  }
  return { perEvent, writes: [...finals.values()] };
}
