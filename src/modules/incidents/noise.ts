import type { NoiseRules, Priority } from '../../contracts/incidents.ts';

// Pure noise-control decisions: grouping keys, thresholds, flaps, self-healing, inhibition
// paths and notification batching. Plain data in, plain data out, time passed in.

/** Alert severity → incident priority until a person triages (P0 is a human call). */
export function priorityForSeverity(severity: string): Priority {
  switch (severity) {
    case 'critical':
      return 'P1';
    case 'error':
      return 'P2';
    case 'warning':
      return 'P3';
    default:
      return 'P4';
  }
}

/** The more urgent of two priorities. */
export function higherPriority(a: Priority, b: Priority): Priority {
  return a <= b ? a : b;
}

/** What grouping sees of an alert: its labels plus class, source, component and severity. */
export interface GroupFacts {
  serviceId: string;
  labels: Readonly<Record<string, string>>;
  class: string | null;
  source: string | null;
  component: string | null;
  severity: string;
}

/** The labels matchers and grouping look at: the alert's own, plus its fields where absent. */
export function matchLabels(alert: GroupFacts): Record<string, string> {
  const labels: Record<string, string> = { ...alert.labels };
  const fill = (key: string, value: string | null) => {
    if (value !== null && labels[key] === undefined) labels[key] = value;
  };
  fill('class', alert.class ?? alert.labels.alertname ?? null);
  fill('source', alert.source);
  fill('component', alert.component);
  fill('severity', alert.severity);
  return labels;
}

/**
 * The group key: service plus the values of the rule's label keys. "class" means the alert's
 * class (PagerDuty `class`, Alertmanager `alertname`). Alerts with equal keys share an incident.
 */
export function groupKeyFor(alert: GroupFacts, groupBy: readonly string[]): string {
  const labels = matchLabels(alert);
  const parts = [...groupBy].sort().map((key) => `${key}=${JSON.stringify(labels[key] ?? '')}`);
  return `${alert.serviceId}{${parts.join(',')}}`;
}

/**
 * Sliding-window threshold: adds `now` to the recent times (kept to the newest `count`) and
 * says whether `count` of them fall within the window.
 */
export function thresholdWindow(
  times: readonly number[],
  now: number,
  rule: { count: number; windowSeconds: number },
): { times: number[]; reached: boolean } {
  const since = now - rule.windowSeconds * 1000;
  const kept = [...times.filter((t) => t > since), now].slice(-rule.count);
  return { times: kept, reached: kept.length >= rule.count };
}

/**
 * Flap detection: adds a state change at `now`; an alert key that changed state more than
 * `flapCount` times within the window is flapping. Keeps at most flapCount + 1 changes.
 */
export function flapWindow(
  changes: readonly number[],
  now: number,
  rules: Pick<NoiseRules, 'flapCount' | 'flapWindowSeconds'>,
): { changes: number[]; flapping: boolean } {
  const since = now - rules.flapWindowSeconds * 1000;
  const kept = [...changes.filter((t) => t > since), now].slice(-(rules.flapCount + 1));
  return { changes: kept, flapping: kept.length > rules.flapCount };
}

/** An alert that resolved within group_wait of first firing, before anyone was paged about it. */
export function isSelfResolved(
  alert: { firstSeenAt: number; notifiedAt: number | null },
  resolvedAt: number,
  rules: Pick<NoiseRules, 'groupWaitSeconds'>,
): boolean {
  return (
    alert.notifiedAt === null && resolvedAt - alert.firstSeenAt <= rules.groupWaitSeconds * 1000
  );
}

/**
 * Dependency-aware inhibition: the shortest path from `serviceId` along "depends on" edges to
 * the nearest service that has an open incident, or null. The path starts at `serviceId` and
 * ends at the upstream service. Cycles are harmless (visited set).
 */
export function upstreamPath(
  serviceId: string,
  dependsOn: ReadonlyMap<string, readonly string[]>,
  hasOpenIncident: (serviceId: string) => boolean,
): string[] | null {
  const previous = new Map<string, string | null>([[serviceId, null]]);
  const queue = [serviceId];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const next of dependsOn.get(current) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, current);
      if (hasOpenIncident(next)) {
        const path = [next];
        for (let at = previous.get(next); at != null; at = previous.get(at)) path.unshift(at);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

// ---------- batching ----------

export interface BatchIncident {
  status: 'triggered' | 'acknowledged' | 'resolved';
  openedAt: number;
  lastNotifiedAt: number | null;
}

export interface BatchAlert {
  id: string;
  status: string;
  noise: string | null;
  notifiedAt: number | null;
  /** For flapping alerts: when their key last paged (flaps page at most once per repeat_interval). */
  keyLastPagedAt: number | null;
}

export type NotificationKind = 'initial' | 'update' | 'repeat';

export interface BatchPlan {
  /** The notification due now, if any, and the alerts it lists. */
  notify: { kind: NotificationKind; alertIds: string[] } | null;
  /** When to look again (null: only when something changes). */
  nextCheckAt: number | null;
}

/**
 * Alertmanager's batching, per incident: the first notification waits group_wait after the
 * incident opens (a burst becomes one message); alerts that join later are notified at most
 * every group_interval; an unacknowledged incident is notified again every repeat_interval.
 * Alerts that are resolved, silenced, symptoms, below threshold or self-resolved never page.
 */
export function planNotification(
  incident: BatchIncident,
  alerts: readonly BatchAlert[],
  now: number,
  rules: Pick<NoiseRules, 'groupWaitSeconds' | 'groupIntervalSeconds' | 'repeatIntervalSeconds'>,
): BatchPlan {
  if (incident.status === 'resolved') return { notify: null, nextCheckAt: null };
  const repeatMs = rules.repeatIntervalSeconds * 1000;
  const pages = (a: BatchAlert) =>
    a.status !== 'resolved' &&
    (a.noise === null ||
      (a.noise === 'flapping' &&
        (a.keyLastPagedAt === null || now - a.keyLastPagedAt >= repeatMs)));
  const fresh = alerts.filter((a) => a.notifiedAt === null && pages(a)).map((a) => a.id);
  const unacknowledged = incident.status === 'triggered';
  const afterNotifying = (kind: NotificationKind, alertIds: string[]): BatchPlan => ({
    notify: { kind, alertIds },
    nextCheckAt: unacknowledged ? now + repeatMs : null,
  });

  if (incident.lastNotifiedAt === null) {
    const due = incident.openedAt + rules.groupWaitSeconds * 1000;
    if (now < due) return { notify: null, nextCheckAt: due };
    return fresh.length > 0
      ? afterNotifying('initial', fresh)
      : { notify: null, nextCheckAt: null };
  }
  if (fresh.length > 0) {
    const due = incident.lastNotifiedAt + rules.groupIntervalSeconds * 1000;
    return now < due ? { notify: null, nextCheckAt: due } : afterNotifying('update', fresh);
  }
  if (!unacknowledged) return { notify: null, nextCheckAt: null };
  const due = incident.lastNotifiedAt + repeatMs;
  if (now < due) return { notify: null, nextCheckAt: due };
  const open = alerts.filter((a) => a.status !== 'resolved' && a.noise === null).map((a) => a.id);
  return afterNotifying('repeat', open);
}
