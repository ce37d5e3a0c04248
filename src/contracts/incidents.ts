import { Type, type Static } from '@sinclair/typebox';
import { AlertView } from './alerts.ts';
import { Page, Timestamp } from './common.ts';

const strict = { additionalProperties: false } as const;
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const incidentStatuses = ['triggered', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];
export const IncidentStatusSchema = Type.Union(incidentStatuses.map((s) => Type.Literal(s)));

/** P0 is only ever set by a person (triage); alerts map to P1–P4 by severity. */
export const priorities = ['P0', 'P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof priorities)[number];
export const PrioritySchema = Type.Union(priorities.map((p) => Type.Literal(p)));

/**
 * What noise control decided about an alert. null: it counts (it may page). The others are
 * stored and visible but page no one.
 */
export const alertNoiseStates = [
  'below_threshold',
  'silenced',
  'self_resolved',
  'flapping',
  'symptom',
] as const;
export type AlertNoiseState = (typeof alertNoiseStates)[number];

// ---------- label matchers (silences, maintenance windows, thresholds) ----------

export const matcherOperators = ['=', '!=', '=~', '!~'] as const;
export const LabelMatcher = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 128 }),
    op: Type.Union(matcherOperators.map((o) => Type.Literal(o))),
    value: Type.String({ maxLength: 1024 }),
  },
  strict,
);
export type LabelMatcher = Static<typeof LabelMatcher>;

// ---------- per-service noise rules ----------

const Seconds = (min: number, max: number) => Type.Integer({ minimum: min, maximum: max });

export const ThresholdRule = Type.Object(
  {
    /** Events needed within the window before an incident opens. */
    count: Type.Integer({ minimum: 2, maximum: 100_000 }),
    windowSeconds: Seconds(1, 86_400),
    /** Only alerts matching every matcher are counted against this threshold (empty: all). */
    matchers: Type.Optional(Type.Array(LabelMatcher, { maxItems: 20 })),
  },
  strict,
);
export type ThresholdRule = Static<typeof ThresholdRule>;

export const NoiseRules = Type.Object(
  {
    /** Alerts with the same values of these labels share an incident ("class" = the alert's class). */
    groupBy: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 20 }),
    /** An alert joins an open incident of its group only if it opened at most this long ago. */
    groupWindowSeconds: Seconds(0, 30 * 86_400),
    groupWaitSeconds: Seconds(0, 3_600),
    groupIntervalSeconds: Seconds(1, 86_400),
    repeatIntervalSeconds: Seconds(60, 7 * 86_400),
    /** Resolve the incident when all its alerts have resolved. */
    autoResolve: Type.Boolean(),
    thresholds: Type.Array(ThresholdRule, { maxItems: 20 }),
    /** An alert that changes state more than flapCount times within flapWindowSeconds is flapping. */
    flapCount: Type.Integer({ minimum: 2, maximum: 1000 }),
    flapWindowSeconds: Seconds(10, 86_400),
  },
  strict,
);
export type NoiseRules = Static<typeof NoiseRules>;

export const defaultNoiseRules: NoiseRules = {
  groupBy: ['class'],
  groupWindowSeconds: 86_400,
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 4 * 3_600,
  autoResolve: true,
  thresholds: [],
  flapCount: 4,
  flapWindowSeconds: 600,
};

export const UpdateNoiseRulesRequest = Type.Partial(NoiseRules, { ...strict, minProperties: 1 });
export type UpdateNoiseRulesRequest = Static<typeof UpdateNoiseRulesRequest>;

export const ServiceDependencies = Type.Object(
  { dependsOn: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 }) },
  strict,
);
export type ServiceDependencies = Static<typeof ServiceDependencies>;

export const DependencyGraph = Type.Object({
  nodes: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      openIncidents: Type.Integer(),
      worstPriority: Nullable(Type.String()),
    }),
  ),
  edges: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
});
export type DependencyGraph = Static<typeof DependencyGraph>;

// ---------- incidents ----------

export const IncidentView = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  title: Type.String(),
  status: IncidentStatusSchema,
  priority: PrioritySchema,
  serviceId: Type.String(),
  serviceIds: Type.Array(Type.String()),
  groupKey: Type.String(),
  alertCount: Type.Integer(),
  openAlertCount: Type.Integer(),
  notificationCount: Type.Integer(),
  resolution: Nullable(Type.String()),
  openedAt: Timestamp,
  acknowledgedAt: Nullable(Timestamp),
  resolvedAt: Nullable(Timestamp),
  updatedAt: Timestamp,
});
export type IncidentView = Static<typeof IncidentView>;

export const IncidentPage = Page(IncidentView);
export type IncidentPage = Static<typeof IncidentPage>;

export const IncidentListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([IncidentStatusSchema, Type.Literal('open')])),
    serviceId: Type.Optional(Type.String({ maxLength: 64 })),
    priority: Type.Optional(PrioritySchema),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  strict,
);
export type IncidentListQuery = Static<typeof IncidentListQuery>;

export const TimelineEntryView = Type.Object({
  sequence: Type.Integer(),
  at: Timestamp,
  actor: Type.String(),
  kind: Type.String(),
  message: Type.String(),
  data: Type.Unknown(),
});
export type TimelineEntryView = Static<typeof TimelineEntryView>;

export const IncidentAlertView = Type.Composite([
  AlertView,
  Type.Object({ noise: Nullable(Type.String()) }),
]);
export type IncidentAlertView = Static<typeof IncidentAlertView>;

export const IncidentAlertPage = Page(IncidentAlertView);
export type IncidentAlertPage = Static<typeof IncidentAlertPage>;

export const IncidentAlertsQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  strict,
);
export type IncidentAlertsQuery = Static<typeof IncidentAlertsQuery>;

/** Most alert ids a notification or an incident's first page of alerts shows in the API. */
export const incidentListedAlerts = 100;

export const NotificationView = Type.Object({
  sequence: Type.Integer(),
  kind: Type.String(),
  dueAt: Timestamp,
  /** How many alerts the notification is about. */
  alertCount: Type.Integer(),
  /** The first 100 of them (a storm's notification can be about thousands). */
  alertIds: Type.Array(Type.String()),
});
export type NotificationView = Static<typeof NotificationView>;

export const IncidentDetail = Type.Object({
  incident: IncidentView,
  /** The first 100 alerts, oldest first; the rest from GET /api/incidents/:id/alerts. */
  alerts: Type.Array(IncidentAlertView),
  /** The cursor for the alerts after `alerts`, or null when that is all of them. */
  alertsNextCursor: Nullable(Type.String()),
  /** The first 100 entries and the latest 1,900, in sequence order. */
  timeline: Type.Array(TimelineEntryView),
  /** How many entries between those two parts are not listed (0 when none). */
  timelineOmitted: Type.Integer(),
  notifications: Type.Array(NotificationView),
});
export type IncidentDetail = Static<typeof IncidentDetail>;

export const UpdateIncidentRequest = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    priority: Type.Optional(PrioritySchema),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateIncidentRequest = Static<typeof UpdateIncidentRequest>;

export const IncidentActionRequest = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  strict,
);
export type IncidentActionRequest = Static<typeof IncidentActionRequest>;

export const MergeIncidentRequest = Type.Object(
  {
    /** The incident (id or number) that takes this one's alerts; this one resolves as merged. */
    into: Type.String({ minLength: 1, maxLength: 100 }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  strict,
);
export type MergeIncidentRequest = Static<typeof MergeIncidentRequest>;

export const SplitIncidentRequest = Type.Object(
  {
    /** Alerts that move to a new incident of their own. */
    alertIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 1000,
    }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  strict,
);
export type SplitIncidentRequest = Static<typeof SplitIncidentRequest>;

// ---------- silences and maintenance windows ----------

/** An ISO 8601 date and time with a zone, as a request field (checked by pattern, then parsed). */
const DateTimeInput = Type.String({
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
  patternHint: 'must be a date and time with its zone, such as 2026-12-04T22:00:00Z',
});

export const SilenceView = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('silence'), Type.Literal('maintenance')]),
  serviceIds: Type.Array(Type.String()),
  matchers: Type.Array(LabelMatcher),
  startsAt: Timestamp,
  endsAt: Timestamp,
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  state: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('expired')]),
});
export type SilenceView = Static<typeof SilenceView>;

export const SilenceList = Type.Object({ items: Type.Array(SilenceView) });
export type SilenceList = Static<typeof SilenceList>;

export const CreateSilenceRequest = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('silence'), Type.Literal('maintenance')])),
    serviceIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
    matchers: Type.Optional(Type.Array(LabelMatcher, { maxItems: 20 })),
    startsAt: Type.Optional(DateTimeInput),
    endsAt: DateTimeInput,
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  strict,
);
export type CreateSilenceRequest = Static<typeof CreateSilenceRequest>;
