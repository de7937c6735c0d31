import { type Static, Type } from 'typebox';
import { Body, DateString, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

const Int = (minimum: number, maximum: number, description: string) =>
  Type.Integer({ minimum, maximum, description });

export const RfmSettingFields = Body({
  window_days: Int(30, 1825, 'days of orders that F and M count (and R is scored among)'),
  new_days: Int(1, 365, 'a member whose first order is this recent (or who never ordered) is new'),
  dormant_days: Int(7, 1095, 'no order for this many days: dormant'),
  churned_days: Int(14, 1825, 'no order for this many days: churned (more than dormant_days)'),
  core_min_orders: Int(2, 1000, 'orders inside the window that make an active member core'),
  recompute_at: Type.String({
    maxLength: 8,
    pattern: '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$',
    description: 'local time of the nightly recompute, HH:MM',
  }),
});

export const RfmSettingPatch = PatchBody(RfmSettingFields);
export type RfmSettingPatch = Static<typeof RfmSettingPatch>;

export const RfmSettingResponse = Type.Object({
  ...RfmSettingFields.properties,
  computed_at: Nullable(Timestamp),
});

export const Stage = Type.Union([
  Type.Literal('new'),
  Type.Literal('active'),
  Type.Literal('core'),
  Type.Literal('dormant'),
  Type.Literal('churned'),
]);

export const RecomputeResponse = Type.Object({
  members: Type.Integer(),
  scored: Type.Integer({ description: 'members with orders in the window' }),
  changes: Type.Integer({ description: 'lifecycle changes recorded' }),
  computed_at: Timestamp,
});

const Count = Type.Integer();
export const DistributionResponse = Type.Object({
  members: Count,
  computed_at: Nullable(Timestamp),
  groups: Type.Array(
    Type.Object({ group: Nullable(Type.String()), name: Type.String(), count: Count }),
  ),
  lifecycle: Type.Array(Type.Object({ stage: Stage, name: Type.String(), count: Count })),
  scores: Type.Object({
    r: Type.Array(Type.Object({ score: Type.Integer(), count: Count })),
    f: Type.Array(Type.Object({ score: Type.Integer(), count: Count })),
    m: Type.Array(Type.Object({ score: Type.Integer(), count: Count })),
  }),
});

/** Local dates, inclusive; by default this month so far in the merchant's zone. */
const Range = { from: Type.Optional(DateString), to: Type.Optional(DateString) };
export const TransitionsQuery = Type.Object({ ...Range }, { additionalProperties: false });
export type TransitionsQuery = Static<typeof TransitionsQuery>;

export const TransitionsResponse = Type.Object({
  from: DateString,
  to: DateString,
  items: Type.Array(Type.Object({ from_stage: Nullable(Stage), to_stage: Stage, count: Count })),
});

export const MovedQuery = Type.Object(
  {
    ...Range,
    from_stage: Type.Optional(Stage),
    to_stage: Type.Optional(Stage),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type MovedQuery = Static<typeof MovedQuery>;

export const MovedResponse = Type.Array(
  Type.Object({
    member_id: Uuid,
    name: Nullable(Type.String()),
    card_no: Type.String(),
    from_stage: Nullable(Stage),
    to_stage: Stage,
    changed_at: Timestamp,
  }),
);
