import { Type, type Static } from '@sinclair/typebox';
import { Page, Timestamp } from './common.ts';

const strict = { additionalProperties: false } as const;

export const alertStatuses = ['triggered', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

export const AlertStatusSchema = Type.Union(alertStatuses.map((s) => Type.Literal(s)));
export const SeveritySchema = Type.Union([
  Type.Literal('critical'),
  Type.Literal('error'),
  Type.Literal('warning'),
  Type.Literal('info'),
]);

const Link = Type.Object({ href: Type.String(), text: Type.String() });
const Image = Type.Object({
  src: Type.String(),
  href: Type.Optional(Type.String()),
  alt: Type.Optional(Type.String()),
});

export const AlertView = Type.Object({
  id: Type.String(),
  serviceId: Type.String(),
  integrationId: Type.String(),
  dedupKey: Type.String(),
  status: AlertStatusSchema,
  summary: Type.String(),
  severity: SeveritySchema,
  source: Type.Union([Type.String(), Type.Null()]),
  component: Type.Union([Type.String(), Type.Null()]),
  group: Type.Union([Type.String(), Type.Null()]),
  class: Type.Union([Type.String(), Type.Null()]),
  labels: Type.Record(Type.String(), Type.String()),
  details: Type.Unknown(),
  links: Type.Array(Link),
  images: Type.Array(Image),
  eventCount: Type.Integer(),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  acknowledgedAt: Type.Union([Timestamp, Type.Null()]),
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
});
export type AlertView = Static<typeof AlertView>;

export const AlertPage = Page(AlertView);
export type AlertPage = Static<typeof AlertPage>;

export const AlertListQuery = Type.Object(
  {
    /** A status, or "open" for triggered and acknowledged. */
    status: Type.Optional(Type.Union([AlertStatusSchema, Type.Literal('open')])),
    serviceId: Type.Optional(Type.String({ maxLength: 100 })),
    integrationId: Type.Optional(Type.String({ maxLength: 100 })),
    /** Text to find in the summary, source or dedup key. */
    q: Type.Optional(Type.String({ maxLength: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  strict,
);
export type AlertListQuery = Static<typeof AlertListQuery>;

export const AlertEventView = Type.Object({
  id: Type.Number(),
  receivedAt: Timestamp,
  action: Type.String(),
  summary: Type.String(),
  severity: Type.String(),
  occurredAt: Type.Union([Timestamp, Type.Null()]),
});
export type AlertEventView = Static<typeof AlertEventView>;

export const AlertDetail = Type.Object({ alert: AlertView, events: Type.Array(AlertEventView) });
export type AlertDetail = Static<typeof AlertDetail>;
