import {
  defaultNoiseRules,
  type LabelMatcher,
  type NoiseRules,
  type Priority,
} from '../../contracts/incidents.ts';
import type { Db, Store } from '../../db/store.ts';
import { deleteJobByKey, scheduleJobNoLaterThan } from '../../jobs/index.ts';
import type { Logger } from '../../platform/logger.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import type { AlertChange } from '../alerts/index.ts';
import {
  appendTimeline,
  countOpenAlerts,
  findAlertsByIds,
  findIncident,
  findNoiseRules,
  findOpenIncidentByGroup,
  insertIncident,
  insertNotification,
  listBelowThresholdAlerts,
  listDependencies,
  findAlertKeys,
  listPageableAlerts,
  listLiveSilences,
  loadFlapHistories,
  loadFlapHistory,
  loadGroupWindow,
  markAlertsNotified,
  markKeysPaged,
  nextIncidentNumber,
  openIncidentsByService,
  saveFlapHistory,
  saveGroupWindow,
  serviceNames,
  writeAlertNoise,
  updateIncident,
  type IncidentAlertRow,
  type IncidentRow,
  type SilenceRow,
  type TimelineDraft,
} from './incident.repository.ts';
import { compileMatchers, type CompiledMatcher } from './matchers.ts';
import {
  flapWindow,
  groupKeyFor,
  higherPriority,
  isSelfResolved,
  matchLabels,
  planNotification,
  priorityForSeverity,
  thresholdWindow,
  upstreamPath,
  type GroupFacts,
} from './noise.ts';

/** The job that looks at an incident when a batching window ends. */
export const incidentFlushJob = 'incident.flush';
/** The job that looks at silenced alerts again when a silence ends. */
export const silenceEndJob = 'silence.end';

export const flushJobKey = (incidentId: string) => `incident-flush:${incidentId}`;

const system = 'system';

function parseLabels(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

// An alert's match labels are needed by silences, grouping and thresholds in turn: parse its
// labels once per alert object.
const matchLabelCache = new WeakMap<IncidentAlertRow, Record<string, string>>();

function facts(alert: IncidentAlertRow): GroupFacts {
  return {
    serviceId: alert.serviceId,
    labels: parseLabels(alert.labels),
    class: alert.class,
    source: alert.source,
    component: alert.component,
    severity: alert.severity,
  };
}

function labelsOf(alert: IncidentAlertRow): Record<string, string> {
  let labels = matchLabelCache.get(alert);
  if (labels === undefined) {
    labels = matchLabels(facts(alert));
    matchLabelCache.set(alert, labels);
  }
  return labels;
}

/** Rules stored for a service, on top of the defaults (a rule added later gets its default). */
export function mergeRules(stored: string | undefined): NoiseRules {
  if (stored === undefined) return defaultNoiseRules;
  return { ...defaultNoiseRules, ...(JSON.parse(stored) as Partial<NoiseRules>) };
}

interface FlapState {
  integrationId: string;
  dedupKey: string;
  changes: number[];
  /** Only keys that have resolved at least once are stored: a first trigger needs no row. */
  dirty: boolean;
}

const flapKey = (integrationId: string, dedupKey: string) => `${integrationId}\u0000${dedupKey}`;

interface CompiledSilence {
  row: SilenceRow;
  services: Set<string>;
  match: CompiledMatcher;
}

function compileSilence(row: SilenceRow): CompiledSilence {
  const compiled = compileMatchers(JSON.parse(row.matchers) as LabelMatcher[]);
  return {
    row,
    services: new Set(JSON.parse(row.serviceIds) as string[]),
    // A silence stored with a pattern that no longer compiles matches nothing rather than all.
    match: compiled.ok ? compiled.match : () => false,
  };
}

/**
 * What one pipeline batch (or a silence ending) needs to know, loaded once and kept current
 * as the batch opens incidents.
 */
class BatchContext {
  readonly rules = new Map<string, NoiseRules>();
  readonly openByGroup = new Map<string, IncidentRow | null>();
  openByService: Map<string, IncidentRow> | null = null;
  dependsOn: Map<string, string[]> | null = null;
  silences: CompiledSilence[] | null = null;
  readonly timeline = new Map<string, TimelineDraft[]>();
  readonly joined = new Map<string, number>();
  readonly touched = new Set<string>();
  readonly toSchedule = new Map<string, number>();
  /** Alerts whose noise columns changed, written once per batch (flushAlerts). */
  readonly touchedAlerts = new Map<string, IncidentAlertRow>();
  /** Flap histories of the batch's alert keys (loaded once), and which changed. */
  readonly flaps = new Map<string, FlapState>();
  /** Incidents with an alert resolved in this batch, and when: checked for auto-resolve at the end. */
  readonly maybeResolved = new Map<string, number>();
  readonly trx: Db;
  readonly store: Pick<Store, 'sqlite'>;

  constructor(trx: Db, store: Pick<Store, 'sqlite'>) {
    this.trx = trx;
    this.store = store;
  }

  async rulesFor(serviceIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(serviceIds)].filter((id) => !this.rules.has(id));
    if (missing.length === 0) return;
    const stored = new Map(
      (await findNoiseRules(this.trx, missing)).map((r) => [r.serviceId, r.rules]),
    );
    for (const id of missing) this.rules.set(id, mergeRules(stored.get(id)));
  }

  rule(serviceId: string): NoiseRules {
    return this.rules.get(serviceId) ?? defaultNoiseRules;
  }

  readonly #incidents = new Map<string, IncidentRow | undefined>();

  /** An incident by id, read once per batch (for the alerts that resolve in it). */
  async incident(id: string): Promise<IncidentRow | undefined> {
    if (!this.#incidents.has(id)) this.#incidents.set(id, await findIncident(this.trx, id));
    return this.#incidents.get(id);
  }

  async openIncidentFor(groupKey: string): Promise<IncidentRow | null> {
    if (!this.openByGroup.has(groupKey))
      this.openByGroup.set(groupKey, (await findOpenIncidentByGroup(this.trx, groupKey)) ?? null);
    return this.openByGroup.get(groupKey) ?? null;
  }

  async activeSilences(now: number): Promise<CompiledSilence[]> {
    this.silences ??= (await listLiveSilences(this.trx, now)).map(compileSilence);
    return this.silences.filter((s) => s.row.startsAt <= now && now < s.row.endsAt);
  }

  /** Marks an alert whose incident, group key or noise state changed (in memory). */
  touch(alert: IncidentAlertRow): void {
    this.touchedAlerts.set(alert.id, alert);
  }

  /** Writes the touched alerts (before a query that reads them, and at the end). */
  async flushAlerts(): Promise<void> {
    if (this.touchedAlerts.size === 0) return;
    await writeAlertNoise(this.trx, this.store, [...this.touchedAlerts.values()]);
    this.touchedAlerts.clear();
  }

  note(incidentId: string, entry: TimelineDraft): void {
    const list = this.timeline.get(incidentId) ?? [];
    list.push(entry);
    this.timeline.set(incidentId, list);
    this.touched.add(incidentId);
  }
}

export function createNoiseService(deps: { log: Logger; store: Pick<Store, 'sqlite'> }) {
  const { log, store } = deps;

  /** The silence or maintenance window that covers an alert now, if any. */
  async function silencing(
    ctx: BatchContext,
    alert: IncidentAlertRow,
    now: number,
  ): Promise<CompiledSilence | null> {
    const labels = labelsOf(alert);
    for (const s of await ctx.activeSilences(now)) {
      if (s.services.size > 0 && !s.services.has(alert.serviceId)) continue;
      if (s.match(labels)) return s;
    }
    return null;
  }

  async function openIncident(
    ctx: BatchContext,
    alert: IncidentAlertRow,
    groupKey: string,
    now: number,
  ): Promise<IncidentRow> {
    const incident: IncidentRow = {
      id: uuidv7(now),
      number: await nextIncidentNumber(ctx.trx),
      serviceId: alert.serviceId,
      groupKey,
      title: alert.summary,
      status: 'triggered',
      priority: priorityForSeverity(alert.severity),
      prioritySetByUser: 0,
      resolution: null,
      alertCount: 0,
      timelineSeq: 0,
      notificationCount: 0,
      lastNotifiedAt: null,
      openedAt: now,
      acknowledgedAt: null,
      resolvedAt: null,
      updatedAt: now,
    };
    await insertIncident(ctx.trx, incident);
    ctx.openByGroup.set(groupKey, incident);
    ctx.openByService?.set(incident.serviceId, incident);
    ctx.note(incident.id, {
      at: now,
      actor: system,
      kind: 'opened',
      message: `Incident opened: ${alert.summary}`,
      data: { groupKey, alertId: alert.id },
    });
    const wait = ctx.rule(alert.serviceId).groupWaitSeconds * 1000;
    ctx.toSchedule.set(incident.id, now + wait);
    return incident;
  }

  async function attach(
    ctx: BatchContext,
    incident: IncidentRow,
    alert: IncidentAlertRow,
    now: number,
    how: { noise: string | null; message: string; data?: Record<string, unknown> },
  ): Promise<void> {
    alert.incidentId = incident.id;
    alert.noise = how.noise;
    ctx.touch(alert);
    ctx.joined.set(incident.id, (ctx.joined.get(incident.id) ?? 0) + 1);
    ctx.note(incident.id, {
      at: now,
      actor: system,
      kind: how.noise === 'symptom' ? 'symptom_joined' : 'alert_joined',
      message: how.message,
      data: { alertId: alert.id, noise: how.noise, ...how.data },
    });
    if (
      how.noise === null &&
      !incident.prioritySetByUser &&
      higherPriority(incident.priority as Priority, priorityForSeverity(alert.severity)) !==
        incident.priority
    ) {
      incident.priority = priorityForSeverity(alert.severity);
      await updateIncident(ctx.trx, incident.id, { priority: incident.priority, updatedAt: now });
    }
    // A new alert in an incident that has paged: the update waits for group_interval.
    if (how.noise === null && incident.lastNotifiedAt !== null) {
      const rules = ctx.rule(incident.serviceId);
      const at = Math.max(now, incident.lastNotifiedAt + rules.groupIntervalSeconds * 1000);
      const current = ctx.toSchedule.get(incident.id);
      ctx.toSchedule.set(incident.id, current === undefined ? at : Math.min(current, at));
    }
  }

  /**
   * The incident's group window has passed: it stays open but stops collecting alerts, and
   * gives its group key up (its own key becomes unique to it) so a new incident can take it.
   */
  async function closeGroup(ctx: BatchContext, incident: IncidentRow, now: number): Promise<void> {
    const closedKey = `${incident.groupKey}#closed:${incident.id}`;
    await updateIncident(ctx.trx, incident.id, { groupKey: closedKey, updatedAt: now });
    ctx.openByGroup.delete(incident.groupKey);
    ctx.note(incident.id, {
      at: now,
      actor: system,
      kind: 'group_closed',
      message: 'Group window ended: new alerts of this kind open a new incident',
      data: { groupKey: incident.groupKey },
    });
    incident.groupKey = closedKey;
  }

  /**
   * Decides where a firing alert goes: silenced, into an open incident of its group, into an
   * upstream service's incident as a symptom, below its threshold, or into a new incident.
   */
  async function admit(ctx: BatchContext, alert: IncidentAlertRow, now: number): Promise<void> {
    const silence = await silencing(ctx, alert, now);
    if (silence !== null) {
      alert.noise = 'silenced';
      alert.incidentId = null;
      ctx.touch(alert);
      log.debug({ alert: alert.id, silence: silence.row.id }, 'alert silenced');
      return;
    }
    const rules = ctx.rule(alert.serviceId);
    const groupKey = groupKeyFor(facts(alert), rules.groupBy);
    if (alert.groupKey !== groupKey) {
      alert.groupKey = groupKey;
      ctx.touch(alert);
    }

    const open = await ctx.openIncidentFor(groupKey);
    if (open !== null) {
      if (now - open.openedAt <= rules.groupWindowSeconds * 1000) {
        await attach(ctx, open, alert, now, {
          noise: alert.noise === 'flapping' ? 'flapping' : null,
          message: `Alert joined: ${alert.summary}`,
        });
        return;
      }
      await closeGroup(ctx, open, now);
    }

    // Inhibition: an upstream service (transitively) already has an open incident.
    ctx.dependsOn ??= await loadDependencyMap(ctx.trx);
    if (ctx.dependsOn.has(alert.serviceId)) {
      ctx.openByService ??= await openIncidentsByService(ctx.trx);
      const byService = ctx.openByService;
      const path = upstreamPath(alert.serviceId, ctx.dependsOn, (id) => byService.has(id));
      const upstream = path === null ? undefined : byService.get(path.at(-1) ?? '');
      if (path !== null && upstream !== undefined) {
        const names = new Map(
          (await serviceNames(ctx.trx, path)).map((s) => [s.id, s.name] as const),
        );
        const named = path.map((id) => names.get(id) ?? id).join(' → ');
        await attach(ctx, upstream, alert, now, {
          noise: 'symptom',
          message: `Symptom joined: ${alert.summary} (depends on ${named})`,
          data: { path, pathNames: named },
        });
        return;
      }
    }

    // Thresholds: below N events in T, the alert is visible but opens nothing.
    const threshold = thresholdFor(rules, alert);
    if (threshold !== null) {
      const window = thresholdWindow(await loadGroupWindow(ctx.trx, groupKey), now, threshold);
      await saveGroupWindow(ctx.trx, groupKey, window.times, now);
      if (!window.reached) {
        if (alert.noise !== 'below_threshold') {
          alert.noise = 'below_threshold';
          ctx.touch(alert);
        }
        return;
      }
      const incident = await openIncident(ctx, alert, groupKey, now);
      ctx.note(incident.id, {
        at: now,
        actor: system,
        kind: 'threshold_reached',
        message: `Threshold reached: ${threshold.count} events within ${threshold.windowSeconds} s`,
        data: threshold,
      });
      await ctx.flushAlerts();
      const waiting = await listBelowThresholdAlerts(ctx.trx, groupKey);
      for (const other of waiting)
        if (other.id !== alert.id)
          await attach(ctx, incident, other, now, {
            noise: null,
            message: `Alert joined: ${other.summary}`,
          });
      await attach(ctx, incident, alert, now, {
        noise: null,
        message: `Alert joined: ${alert.summary}`,
      });
      return;
    }

    const incident = await openIncident(ctx, alert, groupKey, now);
    await attach(ctx, incident, alert, now, {
      noise: alert.noise === 'flapping' ? 'flapping' : null,
      message: `Alert joined: ${alert.summary}`,
    });
  }

  /** A repeat of a firing alert: counts towards its threshold while it is below it. */
  async function repeat(ctx: BatchContext, alert: IncidentAlertRow, now: number): Promise<void> {
    if (alert.noise === 'below_threshold') await admit(ctx, alert, now);
  }

  /**
   * Adds a state change of the alert's key and says whether the key is flapping. A first
   * trigger is not stored (most alerts never resolve and re-trigger); a key's history is
   * stored from its first resolve on, seeded with the trigger it resolves.
   */
  function recordFlap(
    ctx: BatchContext,
    alert: IncidentAlertRow,
    now: number,
    resolving: boolean,
  ): boolean {
    const key = flapKey(alert.integrationId, alert.dedupKey);
    const state = ctx.flaps.get(key) ?? {
      integrationId: alert.integrationId,
      dedupKey: alert.dedupKey,
      changes: [],
      dirty: false,
    };
    ctx.flaps.set(key, state);
    const stored = state.dirty || state.changes.length > 0;
    if (!stored && !resolving) return false;
    const seeded = stored ? state.changes : [alert.firstSeenAt];
    const result = flapWindow(seeded, now, ctx.rule(alert.serviceId));
    state.changes = result.changes;
    state.dirty = true;
    return result.flapping;
  }

  async function resolved(ctx: BatchContext, alert: IncidentAlertRow, now: number): Promise<void> {
    recordFlap(ctx, alert, now, true);
    if (alert.incidentId === null) return;
    const incident = await ctx.incident(alert.incidentId);
    if (incident === undefined) return;
    const rules = ctx.rule(incident.serviceId);
    if (alert.noise === null && isSelfResolved(alert, now, rules)) {
      alert.noise = 'self_resolved';
      ctx.touch(alert);
      ctx.note(incident.id, {
        at: now,
        actor: system,
        kind: 'self_resolved',
        message: `Resolved by itself within group_wait, before anyone was paged: ${alert.summary}`,
        data: { alertId: alert.id, afterMs: now - alert.firstSeenAt },
      });
    } else {
      ctx.note(incident.id, {
        at: now,
        actor: system,
        kind: 'alert_resolved',
        message: `Alert resolved: ${alert.summary}`,
        data: { alertId: alert.id },
      });
    }
    if (incident.status !== 'resolved' && rules.autoResolve)
      ctx.maybeResolved.set(incident.id, now);
  }

  /**
   * Resolves incidents whose alerts have all resolved. Done once at the end of a batch: the
   * batch's alert states are already written, so checking per event would resolve the
   * incident at its first resolve and record the rest after it.
   */
  async function autoResolve(ctx: BatchContext): Promise<void> {
    for (const [incidentId, now] of ctx.maybeResolved) {
      if ((await countOpenAlerts(ctx.trx, incidentId)) > 0) continue;
      const incident = await findIncident(ctx.trx, incidentId);
      if (incident === undefined || incident.status === 'resolved') continue;
      const selfHealed = incident.notificationCount === 0;
      await updateIncident(ctx.trx, incident.id, {
        status: 'resolved',
        resolvedAt: now,
        resolution: selfHealed ? 'self_healed' : 'auto',
        updatedAt: now,
      });
      ctx.openByGroup.delete(incident.groupKey);
      if (ctx.openByService?.get(incident.serviceId)?.id === incident.id)
        ctx.openByService.delete(incident.serviceId);
      ctx.toSchedule.delete(incident.id);
      await deleteJobByKey(ctx.trx, flushJobKey(incident.id));
      ctx.note(incident.id, {
        at: now,
        actor: system,
        kind: 'resolved',
        message: selfHealed
          ? 'Resolved automatically: every alert resolved by itself before anyone was paged (routine failover)'
          : 'Resolved automatically: every alert has resolved',
        data: { resolution: selfHealed ? 'self_healed' : 'auto' },
      });
    }
  }

  async function finish(ctx: BatchContext, now: number): Promise<string[]> {
    await ctx.flushAlerts();
    await autoResolve(ctx);
    for (const f of ctx.flaps.values())
      if (f.dirty) await saveFlapHistory(ctx.trx, f.integrationId, f.dedupKey, f.changes, now);
    for (const [incidentId, joined] of ctx.joined)
      await ctx.trx
        .updateTable('incidents')
        .set((eb) => ({ alertCount: eb('alertCount', '+', joined), updatedAt: now }))
        .where('id', '=', incidentId)
        .execute();
    for (const [incidentId, entries] of ctx.timeline)
      await appendTimeline(ctx.trx, incidentId, entries, now);
    for (const [incidentId, runAt] of ctx.toSchedule)
      await scheduleJobNoLaterThan(
        ctx.trx,
        {
          kind: incidentFlushJob,
          uniqueKey: flushJobKey(incidentId),
          runAt,
          payload: { incidentId },
        },
        now,
      );
    return [...ctx.touched];
  }

  return {
    /**
     * The pipeline's incident step, after deduplication: new alerts are admitted (silenced,
     * grouped, inhibited or held below a threshold), repeats count towards thresholds, and
     * resolves may resolve their incident. Decisions use each event's receive time, so a
     * pipeline that runs late decides as it would have on time.
     */
    async applyAlertChanges(trx: Db, changes: readonly AlertChange[]): Promise<string[]> {
      const ctx = new BatchContext(trx, store);
      await ctx.rulesFor(changes.map((c) => c.event.serviceId));
      // A repeat of a firing alert matters only while it waits below a threshold, so repeats
      // (most of a storm) are looked at only for services that have thresholds.
      const relevant = changes.filter(
        (c) =>
          c.alertId !== null &&
          (c.transition === 'created' ||
            c.transition === 'resolved' ||
            (c.transition === 'retriggered' && ctx.rule(c.event.serviceId).thresholds.length > 0)),
      );
      if (relevant.length === 0) return [];
      const alerts = new Map(
        (await findAlertsByIds(trx, [...new Set(relevant.map((c) => c.alertId as string))])).map(
          (a) => [a.id, a],
        ),
      );
      const changing = relevant.filter((c) => c.transition !== 'retriggered');
      for (const f of await loadFlapHistories(
        trx,
        changing.map((c) => ({ integrationId: c.event.integrationId, dedupKey: c.event.dedupKey })),
      ))
        ctx.flaps.set(flapKey(f.integrationId, f.dedupKey), { ...f, dirty: false });
      for (const change of relevant) {
        const alert = alerts.get(change.alertId as string);
        if (alert === undefined) continue;
        const now = change.event.receivedAt;
        if (change.transition === 'created') {
          if (recordFlap(ctx, alert, now, false)) alert.noise = 'flapping';
          await admit(ctx, alert, now);
        } else if (change.transition === 'retriggered') {
          await repeat(ctx, alert, now);
        } else {
          await resolved(ctx, alert, now);
        }
      }
      return finish(ctx, changes.at(-1)?.event.receivedAt ?? 0);
    },

    /** Looks at silenced alerts again (a silence ended): those no longer covered are admitted. */
    async readmitSilenced(
      trx: Db,
      alerts: readonly IncidentAlertRow[],
      now: number,
    ): Promise<string[]> {
      const ctx = new BatchContext(trx, store);
      await ctx.rulesFor(alerts.map((a) => a.serviceId));
      for (const alert of alerts) {
        alert.noise = null;
        ctx.touch(alert);
        await admit(ctx, alert, now);
      }
      return finish(ctx, now);
    },

    /**
     * The batching timer of one incident: records the notification that is due now (if any)
     * and says when to look again.
     */
    async flush(
      trx: Db,
      incidentId: string,
      now: number,
    ): Promise<{ nextAt: number | null; notified: boolean }> {
      const incident = await findIncident(trx, incidentId);
      if (incident === undefined) return { nextAt: null, notified: false };
      const ctx = new BatchContext(trx, store);
      await ctx.rulesFor([incident.serviceId]);
      const rules = ctx.rule(incident.serviceId);
      const alerts = await listPageableAlerts(trx, incidentId);
      const flapping = await findAlertKeys(
        trx,
        alerts.filter((a) => a.noise === 'flapping').map((a) => a.id),
      );
      const lastPaged = new Map<string, number | null>();
      for (const a of flapping)
        lastPaged.set(a.id, (await loadFlapHistory(trx, a.integrationId, a.dedupKey)).lastPagedAt);
      const plan = planNotification(
        {
          status: incident.status as 'triggered' | 'acknowledged' | 'resolved',
          openedAt: incident.openedAt,
          lastNotifiedAt: incident.lastNotifiedAt,
        },
        alerts.map((a) => ({
          id: a.id,
          status: a.status,
          noise: a.noise,
          notifiedAt: a.notifiedAt,
          keyLastPagedAt: lastPaged.get(a.id) ?? null,
        })),
        now,
        rules,
      );
      if (plan.notify === null) return { nextAt: plan.nextCheckAt, notified: false };
      const sequence = incident.notificationCount + 1;
      await insertNotification(trx, {
        id: uuidv7(now),
        incidentId,
        sequence,
        kind: plan.notify.kind,
        dueAt: now,
        alertIds: JSON.stringify(plan.notify.alertIds),
        createdAt: now,
      });
      await updateIncident(trx, incidentId, {
        notificationCount: sequence,
        lastNotifiedAt: now,
        updatedAt: now,
      });
      await markAlertsNotified(trx, plan.notify.alertIds, now);
      const listed = new Set(plan.notify.alertIds);
      await markKeysPaged(
        trx,
        flapping.filter((a) => listed.has(a.id)),
        now,
      );
      const count = plan.notify.alertIds.length;
      await appendTimeline(
        trx,
        incidentId,
        [
          {
            at: now,
            actor: system,
            kind: 'notification_due',
            message:
              plan.notify.kind === 'initial'
                ? `Notification due: incident opened with ${count} alert${count === 1 ? '' : 's'}`
                : plan.notify.kind === 'update'
                  ? `Notification due: ${count} new alert${count === 1 ? '' : 's'} joined`
                  : `Notification due: still unacknowledged (${count} open alert${count === 1 ? '' : 's'})`,
            // The entry names at most the first 100 alerts: a storm's incident can hold
            // thousands, and the notification itself keeps the full list.
            data: {
              sequence,
              kind: plan.notify.kind,
              alertCount: count,
              alertIds: plan.notify.alertIds.slice(0, 100),
            },
          },
        ],
        now,
      );
      return { nextAt: plan.nextCheckAt, notified: true };
    },
  };
}

export type NoiseService = ReturnType<typeof createNoiseService>;

/** Compiled matchers per threshold rule object (rules are loaded once per batch). */
const thresholdMatchers = new WeakMap<object, CompiledMatcher>();

function thresholdFor(
  rules: NoiseRules,
  alert: IncidentAlertRow,
): { count: number; windowSeconds: number } | null {
  if (rules.thresholds.length === 0) return null;
  const labels = labelsOf(alert);
  for (const t of rules.thresholds) {
    let match = thresholdMatchers.get(t);
    if (match === undefined) {
      const compiled = compileMatchers(t.matchers ?? []);
      // Rules are checked when saved; one that no longer compiles matches nothing.
      match = compiled.ok ? compiled.match : () => false;
      thresholdMatchers.set(t, match);
    }
    if (match(labels)) return { count: t.count, windowSeconds: t.windowSeconds };
  }
  return null;
}

async function loadDependencyMap(db: Db): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const d of await listDependencies(db)) {
    const list = map.get(d.serviceId) ?? [];
    list.push(d.dependsOnId);
    map.set(d.serviceId, list);
  }
  return map;
}
