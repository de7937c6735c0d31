import { type Static, Type } from 'typebox';
import { Body, DateString, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

const Category = Type.String({ minLength: 1, maxLength: 64 });
const FenPerPoint = Type.Integer({
  minimum: 1,
  maximum: 10_000_000,
  description: 'paid fen per point: 100 = 1 point per ¥1',
});
const Ceiling = Type.Integer({ minimum: 0, maximum: 100_000_000 });
const Ceilings = Body({
  manager: Type.Optional(Ceiling),
  cashier: Type.Optional(Ceiling),
  marketer: Type.Optional(Ceiling),
  api_key: Type.Optional(Ceiling),
});
const CeilingsView = Type.Object({
  manager: Type.Integer(),
  cashier: Type.Integer(),
  marketer: Type.Integer(),
  api_key: Type.Integer(),
});
/** ¥1,000,000 per order: above this an earn is a typo or an attack, not a sale. */
export const EARN_MAX_FEN = 100_000_000;

export const PointsRulesBody = PatchBody(
  Body({
    default_fen_per_point: Type.Optional(Nullable(FenPerPoint)),
    categories: Type.Optional(
      Type.Array(Body({ category: Category, fen_per_point: FenPerPoint }), { maxItems: 200 }),
    ),
    expiry_policy: Type.Optional(
      Type.Union([
        Type.Literal('never'),
        Type.Literal('months_after'),
        Type.Literal('year_end_after'),
      ]),
    ),
    expiry_months: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 120 }))),
    activation_bonus: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    profile_bonus: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    grant_ceilings: Type.Optional(Ceilings),
    grant_daily_ceilings: Type.Optional(Ceilings),
    earn_backdate_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3660 })),
  }),
);
export type PointsRulesBody = Static<typeof PointsRulesBody>;

export const PointsRules = Type.Object({
  default_fen_per_point: Nullable(Type.Integer()),
  categories: Type.Array(Type.Object({ category: Type.String(), fen_per_point: Type.Integer() })),
  expiry_policy: Type.String(),
  expiry_months: Nullable(Type.Integer()),
  activation_bonus: Type.Integer(),
  profile_bonus: Type.Integer(),
  grant_ceilings: CeilingsView,
  grant_daily_ceilings: CeilingsView,
  earn_backdate_days: Type.Integer(),
});

export const CampaignBody = Body({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  multiplier_bp: Type.Integer({ minimum: 1, maximum: 100_000, description: '20000 = 2×' }),
  starts_on: DateString,
  ends_on: DateString,
  categories: Type.Optional(Nullable(Type.Array(Category, { minItems: 1, maxItems: 200 }))),
});
export type CampaignBody = Static<typeof CampaignBody>;

export const Campaign = Type.Object({
  id: Uuid,
  name: Type.String(),
  multiplier_bp: Type.Integer(),
  starts_on: Type.String(),
  ends_on: Type.String(),
  categories: Nullable(Type.Array(Type.String())),
  created_at: Timestamp,
});

export const EarnBody = Body({
  order_ref: Type.String({ minLength: 1, maxLength: 100 }),
  lines: Type.Array(
    Body({ category: Category, amount_fen: Type.Integer({ minimum: 0, maximum: EARN_MAX_FEN }) }),
    { minItems: 1, maxItems: 500 },
  ),
  paid_at: Type.String({ format: 'date-time', description: 'when the member paid' }),
});
export type EarnBody = Static<typeof EarnBody>;

const Lot = Type.Object({
  id: Uuid,
  amount: Type.Integer(),
  remaining: Type.Integer(),
  expired: Type.Integer(),
  expires_at: Nullable(Timestamp),
  created_at: Timestamp,
});

export const EarnResult = Type.Object({
  member_id: Uuid,
  order_ref: Type.String(),
  points: Type.Integer(),
  entry_id: Nullable(Uuid),
  balance: Type.Integer(),
  lot: Nullable(Lot),
  growth: Type.Integer(),
  tier_id: Nullable(Uuid),
  upgraded: Type.Boolean(),
  detail: Type.Object({
    birthday: Type.Boolean(),
    campaign_ids: Type.Array(Uuid),
    categories: Type.Array(
      Type.Object({
        category: Type.String(),
        amount_fen: Type.Integer(),
        fen_per_point: Nullable(Type.Integer()),
        base_points: Type.Integer(),
        multipliers_bp: Type.Array(Type.Integer()),
        points: Type.Integer(),
      }),
    ),
  }),
});

export const GrantBody = Body({
  points: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
});

export const SpendBody = Body({
  points: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
  ref: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});

export const PointsMovement = Type.Object({
  member_id: Uuid,
  entry_id: Uuid,
  points: Type.Integer({ description: 'signed' }),
  balance: Type.Integer(),
  lot: Type.Optional(Nullable(Lot)),
  lots_used: Type.Optional(Type.Array(Type.Object({ lot_id: Uuid, amount: Type.Integer() }))),
  lotless_used: Type.Optional(Type.Integer()),
});

export const PointsEntry = Type.Object({
  id: Uuid,
  kind: Type.String(),
  amount: Type.Integer(),
  balance_after: Type.Integer(),
  ref_type: Nullable(Type.String()),
  ref_id: Nullable(Type.String()),
  reverses_id: Nullable(Uuid),
  memo: Nullable(Type.String()),
  created_at: Timestamp,
});

export const PointsStatement = Type.Object({
  member_id: Uuid,
  balance: Type.Integer(),
  available: Type.Integer({ description: 'balance less points in lots already past expiry' }),
  never_expiring: Type.Integer({ description: 'in lots without expiry or without a lot' }),
  lots: Type.Array(Lot, { description: 'lots with points left, soonest expiry first' }),
  entries: Type.Array(PointsEntry, { description: 'newest first' }),
});

export const LiabilityQuery = Type.Object(
  { from: DateString, to: DateString },
  { additionalProperties: false },
);

const LiabilityFigures = {
  issued: Type.Integer(),
  spent: Type.Integer(),
  expired: Type.Integer(),
  outstanding: Type.Integer({ description: 'at the end of the period' }),
};
export const LiabilityReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  time_zone: Type.String(),
  rows: Type.Array(
    Type.Object({
      store_id: Nullable(Uuid),
      store_name: Nullable(Type.String()),
      month: Type.String({ description: 'YYYY-MM, merchant zone' }),
      ...LiabilityFigures,
    }),
  ),
  totals: Type.Object(LiabilityFigures),
});
export type LiabilityReport = Static<typeof LiabilityReport>;
