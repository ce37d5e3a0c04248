import { Type, type Static } from '@sinclair/typebox';
import { roles, scopes } from './access.ts';
import { Page, Timestamp } from './common.ts';

// Requests and responses for first-run setup, login, users, sessions, API tokens and the
// audit log. Request objects reject unknown fields.

const strict = { additionalProperties: false } as const;

// Surrounding spaces (a pasted address) are allowed and trimmed by the server.
export const Email = Type.String({
  minLength: 3,
  maxLength: 254,
  pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$',
  patternHint: 'must be an email address, such as ada@example.com',
});
export const Password = Type.String({ minLength: 1, maxLength: 256 });
export const NewPassword = Type.String({ minLength: 12, maxLength: 256 });
export const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)));
export const ScopeSchema = Type.Union(scopes.map((s) => Type.Literal(s)));

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  createdAt: Timestamp,
  disabled: Type.Boolean(),
});
export type UserView = Static<typeof UserView>;

export const SetupStatusResponse = Type.Object({ needsOwner: Type.Boolean() });
export type SetupStatusResponse = Static<typeof SetupStatusResponse>;

export const SetupOwnerRequest = Type.Object(
  { email: Email, name: Type.String({ minLength: 1, maxLength: 200 }), password: NewPassword },
  strict,
);
export type SetupOwnerRequest = Static<typeof SetupOwnerRequest>;

export const LoginRequest = Type.Object({ email: Email, password: Password }, strict);
export type LoginRequest = Static<typeof LoginRequest>;

export const SessionResponse = Type.Object({ user: UserView, csrfToken: Type.String() });
export type SessionResponse = Static<typeof SessionResponse>;

export const ChangePasswordRequest = Type.Object(
  { currentPassword: Password, newPassword: NewPassword },
  strict,
);
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

export const CreateUserRequest = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    password: NewPassword,
  },
  strict,
);
export type CreateUserRequest = Static<typeof CreateUserRequest>;

export const UpdateUserRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateUserRequest = Static<typeof UpdateUserRequest>;

export const UserList = Type.Object({ items: Type.Array(UserView) });
export type UserList = Static<typeof UserList>;

export const SessionView = Type.Object({
  id: Type.String(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});
export type SessionView = Static<typeof SessionView>;
export const SessionList = Type.Object({ items: Type.Array(SessionView) });
export type SessionList = Static<typeof SessionList>;

export const ApiTokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(ScopeSchema),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedIp: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});
export type ApiTokenView = Static<typeof ApiTokenView>;
export const ApiTokenList = Type.Object({ items: Type.Array(ApiTokenView) });
export type ApiTokenList = Static<typeof ApiTokenList>;

export const CreateApiTokenRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 50, uniqueItems: true }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  strict,
);
export type CreateApiTokenRequest = Static<typeof CreateApiTokenRequest>;

export const CreateApiTokenResponse = Type.Object({
  /** The secret, shown this once; only its hash is stored. */
  token: Type.String(),
  apiToken: ApiTokenView,
});
export type CreateApiTokenResponse = Static<typeof CreateApiTokenResponse>;

export const AuditEntryView = Type.Object({
  id: Type.Number(),
  at: Timestamp,
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  statusCode: Type.Integer(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AuditEntryView = Static<typeof AuditEntryView>;
export const AuditPage = Page(AuditEntryView);
export type AuditPage = Static<typeof AuditPage>;
