import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

export const ReferralSettingBody = Body({
  active: Type.Boolean(),
  bind_on: Type.Union([Type.Literal('claim'), Type.Literal('first_payment')], {
    description: 'bind on the first claim of a shared coupon or card, or on the first payment',
  }),
  binding_window_days: Type.Integer({
    minimum: 1,
    maximum: 3650,
    description: 'a customer can be bound within this many days of joining',
  }),
  rule: Type.Union(
    [
      Type.Literal('fixed_new_member'),
      Type.Literal('first_order_percent'),
      Type.Literal('orders_percent'),
    ],
    {
      description: 'fixed per new member (on the first order), % of the first order, % for N days',
    },
  ),
  fixed_fen: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
  percent_bp: Type.Integer({ minimum: 0, maximum: 10_000, description: '1% = 100' }),
  rule_days: Type.Integer({ minimum: 1, maximum: 3650 }),
  payout: Type.Union([Type.Literal('points'), Type.Literal('ledger'), Type.Literal('bonus')], {
    description:
      'points to the sharer, the commission ledger (withdrawals approved by an owner), or ' +
      'stored-value bonus (spendable, not withdrawable)',
  }),
  points_per_yuan: Type.Integer({ minimum: 1, maximum: 10_000 }),
});
export type ReferralSettingBody = Static<typeof ReferralSettingBody>;
export const ReferralSettingPatch = PatchBody(ReferralSettingBody);
export type ReferralSettingPatch = Static<typeof ReferralSettingPatch>;

export const ShareResponse = Type.Object({
  member_id: Uuid,
  code: Type.String(),
  path: Type.String({ description: 'the share link, relative to the member site' }),
  qr_svg: Type.String({ description: 'the link as a QR code (SVG)' }),
});

export const InviteBody = Body({
  code: Type.String({ minLength: 1, maxLength: 32, description: 'the sharer’s share code' }),
  member_id: Uuid,
});

export const BindingResponse = Type.Object({
  member_id: Uuid,
  referrer_id: Uuid,
  status: Type.Union([Type.Literal('pending'), Type.Literal('bound')]),
  invited_at: Timestamp,
  bound_at: Nullable(Timestamp),
  bound_via: Nullable(Type.String()),
});

export const ClaimBindBody = Body({ member_id: Uuid, store_id: Nullable(Uuid) });

export const WithdrawalBody = Body({
  amount_fen: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  note: Type.Optional(Type.String({ maxLength: 200 })),
});

export const DecisionBody = Body({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
});

export const WithdrawalResponse = Type.Object({
  id: Uuid,
  member_id: Uuid,
  amount_fen: Type.Integer(),
  status: Type.String(),
  note: Nullable(Type.String()),
  requested_at: Timestamp,
  decided_at: Nullable(Timestamp),
  decided_by: Nullable(Uuid),
  decision_reason: Nullable(Type.String()),
});

export const CommissionAccount = Type.Object({
  member_id: Uuid,
  earned_fen: Type.Integer(),
  withdrawn_fen: Type.Integer({ description: 'approved withdrawals' }),
  pending_fen: Type.Integer({ description: 'withdrawals awaiting a decision' }),
  available_fen: Type.Integer(),
});
