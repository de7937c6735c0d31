import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { eventTypes } from './webhook-event.service.ts';

const EventTypeSchema = Type.Union(eventTypes.map((t) => Type.Literal(t)));

export const SubscriptionBody = Body({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  url: Type.String({
    minLength: 1,
    maxLength: 2000,
    description: 'https (http only to localhost)',
  }),
  event_types: Type.Array(EventTypeSchema, { minItems: 1, maxItems: eventTypes.length }),
  active: Type.Optional(Type.Boolean()),
});
export type SubscriptionBody = Static<typeof SubscriptionBody>;

export const SubscriptionPatch = PatchBody(SubscriptionBody);
export type SubscriptionPatch = Static<typeof SubscriptionPatch>;

export const SubscriptionResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  event_types: Type.Array(Type.String()),
  active: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  deleted_at: Nullable(Timestamp),
});

/** Creation and rotation only: the one time the secret is shown. */
export const SubscriptionWithSecret = Type.Object({
  ...SubscriptionResponse.properties,
  secret: Type.String(),
});

export const CatalogueResponse = Type.Array(
  Type.Object({ type: Type.String(), zh: Type.String(), en: Type.String() }),
);

export const TestEventResponse = Type.Object({
  event_id: Type.String(),
  delivery_id: Type.String(),
});

export const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(['pending', 'retrying', 'sent', 'dead', 'skipped'].map((s) => Type.Literal(s))),
    ),
    subscription_id: Type.Optional(Uuid),
    event_type: Type.Optional(Type.String({ maxLength: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type DeliveryQuery = Static<typeof DeliveryQuery>;

export const DeliveryResponse = Type.Object({
  id: Type.String(),
  subscription_id: Nullable(Type.String()),
  subscription_name: Nullable(Type.String()),
  event_id: Nullable(Type.String()),
  event_type: Nullable(Type.String()),
  status: Type.String(),
  attempts: Type.Integer(),
  status_code: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  next_attempt_at: Timestamp,
  sent_at: Nullable(Timestamp),
  created_at: Timestamp,
});

export const AttemptResponse = Type.Object({
  id: Type.String(),
  attempt: Type.Integer(),
  ok: Type.Boolean(),
  status_code: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  duration_ms: Type.Integer(),
  created_at: Timestamp,
});

export const DeliveryDetail = Type.Object({
  ...DeliveryResponse.properties,
  payload: Type.Unknown(),
  attempt_log: Type.Array(AttemptResponse),
});
