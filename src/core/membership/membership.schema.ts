import { Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { CouponPackItem, CouponPackItemBody, Tender, Tenders } from '../wallet/wallet.schema.ts';

export const CreateMembershipPlanBody = Body({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  price_fen: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'the fee' }),
  duration_months: Type.Integer({ minimum: 1, maximum: 120 }),
  tier_id: Type.Optional(Nullable(Uuid)),
  extra_discount_bp: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10000, description: 'on top of the tier discount' }),
  ),
  monthly_coupons: Type.Optional(Type.Array(CouponPackItemBody, { maxItems: 20 })),
  refund_full_within_days: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 366, description: '0: not refundable' }),
  ),
});

export const UpdateMembershipPlanBody = PatchBody(
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    active: Type.Optional(Type.Boolean()),
  }),
);

export const MembershipPlan = Type.Object({
  id: Uuid,
  name: Type.String(),
  price_fen: Type.Integer(),
  duration_months: Type.Integer(),
  tier_id: Nullable(Uuid),
  extra_discount_bp: Type.Integer(),
  monthly_coupons: Type.Array(CouponPackItem),
  refund_full_within_days: Type.Integer(),
  refund_policy: Type.String(),
  active: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Benefits = Type.Object({
  tier_id: Nullable(Uuid),
  extra_discount_bp: Type.Integer(),
  monthly_coupons: Type.Array(CouponPackItem),
});

export const PurchaseBody = Body({
  plan_id: Uuid,
  tenders: Tenders,
  store_id: Type.Optional(Nullable(Uuid)),
});

export const PaidMembership = Type.Object({
  id: Uuid,
  member_id: Uuid,
  plan_id: Uuid,
  kind: Type.Union([Type.Literal('purchase'), Type.Literal('renewal')]),
  price_fen: Type.Integer(),
  starts_at: Timestamp,
  expires_at: Timestamp,
  benefits: Benefits,
  refund_policy: Type.String(),
  status: Type.Union([Type.Literal('paid'), Type.Literal('expired'), Type.Literal('refunded')]),
  refund_fen: Nullable(Type.Integer()),
  refunded_at: Nullable(Timestamp),
  store_id: Nullable(Uuid),
  tenders: Type.Array(Tender),
  created_at: Timestamp,
});

export const MembershipStatus = Type.Object({
  member_id: Uuid,
  paid_member: Type.Boolean({ description: 'a paid period covers now' }),
  current_id: Nullable(Uuid),
  benefits: Nullable(Benefits),
  paid_until: Nullable(Timestamp),
  periods: Type.Array(PaidMembership),
});

export const InvitationBody = Body({
  phone: Type.String({ minLength: 1, maxLength: 32 }),
  paid_fen: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  store_id: Type.Optional(Nullable(Uuid)),
});

export const Invitation = Type.Object({
  id: Uuid,
  phone: Type.String({ description: 'masked for roles without members.pii' }),
  paid_fen: Type.Integer(),
  store_id: Nullable(Uuid),
  status: Type.Union([Type.Literal('sent'), Type.Literal('accepted')]),
  member_id: Nullable(Uuid),
  created_at: Timestamp,
  accepted_at: Nullable(Timestamp),
});

export const InvitationResult = Type.Object({
  created: Type.Boolean(),
  reason: Type.Union([
    Type.Literal('invited'),
    Type.Literal('disabled'),
    Type.Literal('below_minimum'),
    Type.Literal('already_member'),
    Type.Literal('already_invited'),
  ]),
  min_fen: Nullable(Type.Integer()),
  invitation: Nullable(Invitation),
});
