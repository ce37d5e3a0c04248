import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './common.ts';

const strict = { additionalProperties: false } as const;

/** Service names are short, lower-case and URL-safe, so they read well in CLIs and labels. */
export const ServiceName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[a-z0-9][a-z0-9._-]*$',
  patternHint:
    'must be lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit (such as checkout-api)',
});

export const ServiceView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  team: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ServiceView = Static<typeof ServiceView>;

export const ServiceList = Type.Object({ items: Type.Array(ServiceView) });
export type ServiceList = Static<typeof ServiceList>;

export const ServiceListQuery = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 100 })) },
  strict,
);
export type ServiceListQuery = Static<typeof ServiceListQuery>;

export const CreateServiceRequest = Type.Object(
  {
    name: ServiceName,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    team: Type.Optional(Type.String({ maxLength: 200 })),
  },
  strict,
);
export type CreateServiceRequest = Static<typeof CreateServiceRequest>;

export const UpdateServiceRequest = Type.Object(
  {
    name: Type.Optional(ServiceName),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    team: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateServiceRequest = Static<typeof UpdateServiceRequest>;
