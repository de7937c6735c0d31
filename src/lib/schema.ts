import { type Static, type TObject, type TSchema, Type } from 'typebox';

/** Request bodies refuse unknown fields: a typo must not be silently dropped. */
export const Body = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

/**
 * A PATCH body: every field of `body` optional, unknown fields still refused (`Type.Partial`
 * alone drops `additionalProperties: false`), and at least one field: an empty PATCH is a client
 * mistake answered 400 `request.invalid` (field `body`) on every route, never a silent no-op.
 */
export const PatchBody = <T extends TObject>(body: T) =>
  Type.Partial(body, { additionalProperties: false, minProperties: 1 });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Uuid = Type.String({ format: 'uuid' });
export const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
/** An instant: the handler returns a Date, the response serializer writes ISO 8601. */
export const Timestamp = Type.Unsafe<Date>(Type.String({ format: 'date-time' }));

export const IdParams = Type.Object({ id: Uuid });

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});
export type ErrorResponse = Static<typeof ErrorResponse>;

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), next_cursor: Nullable(Type.String()) });
