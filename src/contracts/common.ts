import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** An ISO 8601 timestamp in UTC, e.g. 2026-11-22T09:00:00.000Z. */
export const Timestamp = Type.String({ format: 'date-time' });

/** The error body every failing route answers with. */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
  }),
});

/** A page of a list plus the cursor for the next page (null on the last page). */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  });
}

/** Query parameters for cursor pagination. */
export const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

/** A path parameter holding a resource id. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type IdParams = Static<typeof IdParams>;
