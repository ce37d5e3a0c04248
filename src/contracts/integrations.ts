import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './common.ts';
import { integrationTypes } from './integration-types.ts';

const strict = { additionalProperties: false } as const;

export const IntegrationTypeSchema = Type.Union(integrationTypes.map((t) => Type.Literal(t)));

export const HeartbeatSettings = Type.Object(
  {
    /** How often the job is expected to ping. */
    periodSeconds: Type.Integer({ minimum: 60, maximum: 31_536_000 }),
    /** How late a ping may be before the heartbeat counts as missed. */
    graceSeconds: Type.Integer({ minimum: 60, maximum: 31_536_000 }),
  },
  strict,
);
export type HeartbeatSettings = Static<typeof HeartbeatSettings>;

export const HeartbeatView = Type.Object({
  periodSeconds: Type.Integer(),
  graceSeconds: Type.Integer(),
  status: Type.Union([Type.Literal('new'), Type.Literal('up'), Type.Literal('down')]),
  lastPingAt: Type.Union([Timestamp, Type.Null()]),
  lastSuccessAt: Type.Union([Timestamp, Type.Null()]),
  dueAt: Type.Union([Timestamp, Type.Null()]),
});

export const IntegrationView = Type.Object({
  id: Type.String(),
  serviceId: Type.String(),
  name: Type.String(),
  type: IntegrationTypeSchema,
  /** The first characters of the key, to tell keys apart. */
  keyPrefix: Type.String(),
  /** Where the sender posts, with the key shown as <key> (it is shown in full only once). */
  intakeUrl: Type.String(),
  signed: Type.Boolean(),
  rateLimitPerMinute: Type.Union([Type.Integer(), Type.Null()]),
  enabled: Type.Boolean(),
  previousKeyExpiresAt: Type.Union([Timestamp, Type.Null()]),
  heartbeat: Type.Union([HeartbeatView, Type.Null()]),
  createdAt: Timestamp,
});
export type IntegrationView = Static<typeof IntegrationView>;

export const IntegrationList = Type.Object({ items: Type.Array(IntegrationView) });
export type IntegrationList = Static<typeof IntegrationList>;

export const IntegrationListQuery = Type.Object(
  { serviceId: Type.Optional(Type.String({ maxLength: 100 })) },
  strict,
);
export type IntegrationListQuery = Static<typeof IntegrationListQuery>;

export const CreateIntegrationRequest = Type.Object(
  {
    serviceId: Type.String({ minLength: 1, maxLength: 100 }),
    type: IntegrationTypeSchema,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** Sentry: the client secret of the Sentry integration (required). Generic: a whsec_… secret to require signed requests. */
    signingSecret: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    /** Generic: let Steady generate a whsec_… secret and show it once. */
    generateSigningSecret: Type.Optional(Type.Boolean()),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    heartbeat: Type.Optional(HeartbeatSettings),
  },
  strict,
);
export type CreateIntegrationRequest = Static<typeof CreateIntegrationRequest>;

export const KeyResponse = Type.Object({
  integration: IntegrationView,
  /** The integration key, shown this once. */
  key: Type.String(),
  /** The full URL a sender posts to (contains the key for most types). */
  intakeUrl: Type.String(),
  /** A signing secret Steady generated, shown this once. */
  signingSecret: Type.Optional(Type.String()),
});
export type KeyResponse = Static<typeof KeyResponse>;

export const UpdateIntegrationRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
    rateLimitPerMinute: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 100_000_000 }), Type.Null()]),
    ),
    signingSecret: Type.Optional(
      Type.Union([Type.String({ minLength: 8, maxLength: 200 }), Type.Null()]),
    ),
    heartbeat: Type.Optional(HeartbeatSettings),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateIntegrationRequest = Static<typeof UpdateIntegrationRequest>;

export const RotateKeyRequest = Type.Object(
  {
    /** How long the old key keeps working, so senders can be switched over (default 60). */
    overlapMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080 })),
  },
  strict,
);
export type RotateKeyRequest = Static<typeof RotateKeyRequest>;

export const RejectionView = Type.Object({
  id: Type.Number(),
  receivedAt: Timestamp,
  statusCode: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
  field: Type.Union([Type.String(), Type.Null()]),
  contentType: Type.Union([Type.String(), Type.Null()]),
  bodyExcerpt: Type.String(),
  remoteIp: Type.Union([Type.String(), Type.Null()]),
});
export type RejectionView = Static<typeof RejectionView>;
export const RejectionList = Type.Object({ items: Type.Array(RejectionView) });
export type RejectionList = Static<typeof RejectionList>;
