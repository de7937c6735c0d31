import { type Static, Type } from 'typebox';
import { Body, DateString, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

export const RewardKind = Type.Union(
  [Type.Literal('goods'), Type.Literal('service'), Type.Literal('coupon')],
  {
    description:
      'goods: picked up with a code; service: used in store with a code; coupon: issued by the coupons module',
  },
);

export const RewardBody = Body({
  kind: RewardKind,
  name: Type.String({ minLength: 1, maxLength: 64 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  points_price: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  stock: Type.Optional(
    Nullable(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'null = unlimited' })),
  ),
  per_member_limit: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000 }))),
  starts_on: Type.Optional(Nullable(DateString)),
  ends_on: Type.Optional(Nullable(DateString)),
  active: Type.Optional(Type.Boolean()),
  coupon_template_id: Type.Optional(Nullable(Uuid)),
});
export type RewardBody = Static<typeof RewardBody>;

export const RewardPatch = PatchBody(Type.Omit(RewardBody, ['kind']));
export type RewardPatch = Static<typeof RewardPatch>;

export const Reward = Type.Object({
  id: Uuid,
  kind: RewardKind,
  name: Type.String(),
  description: Nullable(Type.String()),
  points_price: Type.Integer(),
  stock: Nullable(Type.Integer()),
  per_member_limit: Nullable(Type.Integer()),
  starts_on: Nullable(Type.String()),
  ends_on: Nullable(Type.String()),
  active: Type.Boolean(),
  coupon_template_id: Nullable(Uuid),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const RewardListQuery = Type.Object(
  {
    available: Type.Optional(
      Type.Boolean({ description: 'only rewards on sale today and in stock' }),
    ),
  },
  { additionalProperties: false },
);

export const RedeemBody = Body({ member_id: Uuid });

export const Redemption = Type.Object({
  id: Uuid,
  reward_id: Uuid,
  member_id: Uuid,
  points: Type.Integer(),
  status: Type.Union([
    Type.Literal('redeemed'),
    Type.Literal('fulfilled'),
    Type.Literal('cancelled'),
  ]),
  pickup_code: Nullable(Type.String()),
  entry_id: Uuid,
  refund_entry_id: Nullable(Uuid),
  cancel_reason: Nullable(Type.String()),
  created_at: Timestamp,
  fulfilled_at: Nullable(Timestamp),
  cancelled_at: Nullable(Timestamp),
});

export const RedemptionListQuery = Type.Object(
  {
    member_id: Type.Optional(Uuid),
    reward_id: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CancelBody = Body({ reason: Type.String({ minLength: 1, maxLength: 200 }) });
export const PickupBody = Body({ pickup_code: Type.String({ minLength: 1, maxLength: 32 }) });
