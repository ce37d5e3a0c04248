import type {
  AlertDetail,
  AlertListQuery,
  AlertPage,
  AlertStatus,
  AlertView,
} from '../../contracts/alerts.ts';
import type { Db, Store } from '../../db/store.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import type { EventRow } from '../pipeline/index.ts';
import {
  findAlert,
  findOpenAlerts,
  listAlertEvents,
  listAlerts,
  writeAlerts,
  type AlertRow,
} from './alert.repository.ts';
import {
  alertKey,
  deduplicateBatch,
  type AlertState,
  type AlertTransition,
} from './deduplication.ts';
import { OpenAlertCache } from './open-alert-cache.ts';

/** What one event did, for the pipeline's later stages. */
export interface AlertChange {
  event: EventRow;
  alertId: string | null;
  transition: AlertTransition;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The public view of an alert. */
export function toAlertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    serviceId: row.serviceId,
    integrationId: row.integrationId,
    dedupKey: row.dedupKey,
    status: row.status as AlertStatus,
    summary: row.summary,
    severity: row.severity as AlertView['severity'],
    source: row.source,
    component: row.component,
    group: row.groupName,
    class: row.class,
    labels: parseJson(row.labels, {}),
    details: parseJson(row.details, null),
    links: parseJson(row.links, []),
    images: parseJson(row.images, []),
    eventCount: row.eventCount,
    firstSeenAt: new Date(row.firstSeenAt).toISOString(),
    lastSeenAt: new Date(row.lastSeenAt).toISOString(),
    acknowledgedAt: iso(row.acknowledgedAt),
    resolvedAt: iso(row.resolvedAt),
  };
}

function encodeCursor(id: string): string {
  return Buffer.from(`alert:${id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^alert:[0-9a-f-]{36}$/.test(text))
    throw invalidField('cursor', 'The cursor is not one this API returned.');
  return text.slice('alert:'.length);
}

/** Deduplicates events into alerts and answers queries about them. */
export function createAlertService(deps: { store: Store; log: Logger }) {
  const { store, log } = deps;
  const db = store.db;
  // SQLite has one process per file, so this process's pipeline is the only writer of alert
  // state and may remember it (see OpenAlertCache). PostgreSQL replicas take turns.
  const cache = store.sqlite === null ? null : new OpenAlertCache();
  return {
    /**
     * The pipeline's deduplication step: applies events in log order to the open alerts with
     * the same integration and dedup key, writing each touched alert once. Call `committed`
     * once the transaction has committed.
     */
    async applyEvents(
      trx: Db,
      events: readonly EventRow[],
    ): Promise<{ changes: AlertChange[]; changedIds: string[]; committed: () => void }> {
      const stored = new Map<string, AlertState>();
      const missing = new Map<string, { integrationId: string; dedupKey: string }>();
      for (const e of events) {
        const key = alertKey(e.integrationId, e.dedupKey);
        if (stored.has(key) || missing.has(key)) continue;
        const known = cache?.get(key);
        if (known === undefined)
          missing.set(key, { integrationId: e.integrationId, dedupKey: e.dedupKey });
        else stored.set(key, known);
      }
      if (missing.size > 0)
        for (const row of await findOpenAlerts(trx, store, [...missing.values()]))
          stored.set(alertKey(row.integrationId, row.dedupKey), row);
      // Ids from the receive time: alerts list in the order they were first seen.
      const result = deduplicateBatch(events, stored, (receivedAt) => uuidv7(receivedAt));
      const storedStatus = new Map<string, string>();
      for (const row of stored.values()) storedStatus.set(row.id, row.status);
      await writeAlerts(
        trx,
        store,
        result.writes.map((w) => ({
          alert: w.alert,
          isNew: w.isNew,
          statusChanged: !w.isNew && storedStatus.get(w.alert.id) !== w.alert.status,
          payloadChanged: w.payloadChanged,
        })),
      );
      for (const p of result.perEvent) {
        if (p.transition === 'ignored')
          log.info(
            {
              integration: p.event.integrationId,
              dedupKey: p.event.dedupKey,
              action: p.event.action,
            },
            'alert event for a key with no open alert: nothing to do',
          );
      }
      return {
        changes: result.perEvent.map((p) => ({
          event: p.event as EventRow,
          alertId: p.alertId,
          transition: p.transition,
        })),
        changedIds: result.writes.map((w) => w.alert.id),
        committed: () => cache?.remember(result.writes.map((w) => w.alert)),
      };
    },

    async list(query: AlertListQuery): Promise<AlertPage> {
      const limit = query.limit ?? 50;
      const rows = await listAlerts(db, {
        status: query.status,
        serviceId: query.serviceId,
        integrationId: query.integrationId,
        text: query.q,
        beforeId: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toAlertView),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null,
      };
    },

    async get(id: string): Promise<AlertDetail> {
      const row = await findAlert(db, id);
      if (row === undefined) throw notFound('alert', id);
      const events = await listAlertEvents(db, row, 50);
      return {
        alert: toAlertView(row),
        events: events.map((e) => ({
          id: e.id,
          receivedAt: new Date(e.receivedAt).toISOString(),
          action: e.action,
          summary: e.summary,
          severity: e.severity,
          occurredAt: iso(e.occurredAt),
        })),
      };
    },
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
