import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

const Bp = (description: string, maximum = 100_000) =>
  Type.Integer({ minimum: 0, maximum, description });

export const TierRight = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', maxLength: 40 }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    monthly_uses: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

export const TierBody = Body({
  name: Type.String({ minLength: 1, maxLength: 32 }),
  threshold: Type.Integer({
    minimum: 0,
    maximum: 1e12,
    description: 'growth value, or spend in fen, over the qualifying window (merchant basis)',
  }),
  discount_bp: Type.Optional(Bp('part of the price taken off: 1000 = 10 % off', 10_000)),
  points_multiplier_bp: Type.Optional(Bp('10000 = 1×')),
  birthday_multiplier_bp: Type.Optional(Bp('extra multiplier on the birthday; 10000 = 1×')),
  rights: Type.Optional(Type.Array(TierRight, { maxItems: 20 })),
});
export type TierBody = Static<typeof TierBody>;
export const TierPatch = PatchBody(TierBody);
export type TierPatch = Static<typeof TierPatch>;

export const Tier = Type.Object({
  id: Uuid,
  name: Type.String(),
  threshold: Type.Integer(),
  discount_bp: Type.Integer(),
  points_multiplier_bp: Type.Integer(),
  birthday_multiplier_bp: Type.Integer(),
  rights: Type.Array(TierRight),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const TierSettingBody = PatchBody(
  Body({
    basis: Type.Optional(Type.Union([Type.Literal('growth'), Type.Literal('spend')])),
    fen_per_growth: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: '100 = 1 growth per ¥1' }),
    ),
    review_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    activation_growth: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    profile_growth: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  }),
);
export type TierSettingBody = Static<typeof TierSettingBody>;

export const TierSetting = Type.Object({
  basis: Type.Union([Type.Literal('growth'), Type.Literal('spend')]),
  fen_per_growth: Type.Integer(),
  review_months: Type.Integer(),
  activation_growth: Type.Integer(),
  profile_growth: Type.Integer(),
});

export const GrowthBody = Body({
  growth: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
});

const TierChange = Type.Object({
  id: Uuid,
  from_tier_id: Nullable(Uuid),
  to_tier_id: Nullable(Uuid),
  reason: Type.String(),
  qualifying_value: Type.Integer(),
  ref_type: Nullable(
    Type.String({ description: 'the cause: order (an upgrade) or order_refund (a downgrade)' }),
  ),
  ref_id: Nullable(
    Type.String({
      description: "the order id, or the caller's order_ref for points earned by API",
    }),
  ),
  created_at: Timestamp,
});

export const MemberTierStatus = Type.Object({
  member_id: Uuid,
  tier: Nullable(Tier),
  tier_since: Nullable(Timestamp),
  review_at: Nullable(Timestamp),
  basis: Type.String(),
  growth: Type.Integer({ description: 'lifetime growth' }),
  spend_fen: Type.Integer({ description: 'lifetime spend' }),
  qualifying_value: Type.Integer({ description: 'growth or spend over the current window' }),
  next_tier: Nullable(Tier),
  missing: Type.Integer({ description: 'still needed to reach next_tier' }),
  rights: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      monthly_uses: Type.Integer(),
      used: Type.Integer(),
      remaining: Type.Integer(),
    }),
  ),
  history: Type.Array(TierChange),
});
export type MemberTierStatus = Static<typeof MemberTierStatus>;

export const RightUse = Type.Object({
  id: Uuid,
  right_code: Type.String(),
  month: Type.String(),
  used: Type.Integer(),
  remaining: Type.Integer(),
  used_at: Timestamp,
});

export const GrowthResult = Type.Object({
  growth: Type.Integer(),
  tier_id: Nullable(Uuid),
  upgraded: Type.Boolean(),
});
