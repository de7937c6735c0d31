import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

const Fen = (description?: string) => Type.Integer(description ? { description } : {});
/** Money in a request body: whole fen, not negative; the rules check the rest and name the field. */
const FenIn = (min: number, description?: string) =>
  Type.Integer({ minimum: min, maximum: 1_000_000_000, ...(description ? { description } : {}) });

export const TenderMethod = Type.Union([
  Type.Literal('cash'),
  Type.Literal('wechat_pay'),
  Type.Literal('alipay'),
  Type.Literal('bank_card'),
]);
export const TenderBody = Body({ method: TenderMethod, amount_fen: FenIn(1) });
export const Tenders = Type.Array(TenderBody, {
  minItems: 1,
  maxItems: 8,
  description: 'how the money was taken; the amounts must add up to the price',
});

export const Tender = Type.Object({
  id: Uuid,
  direction: Type.Union([Type.Literal('charge'), Type.Literal('refund')]),
  method: TenderMethod,
  amount_fen: Fen(),
  provider: Type.String(),
  provider_ref: Nullable(Type.String()),
  created_at: Timestamp,
});

export const CouponPackItemBody = Body({
  template_id: Type.Optional(Nullable(Uuid)),
  name: Type.String({ minLength: 1, maxLength: 64 }),
  face_value_fen: FenIn(1),
  threshold_fen: Type.Optional(FenIn(0, 'spend-X-save-Y threshold; 0 for a cash voucher')),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export const CouponPackItem = Type.Object({
  template_id: Nullable(Uuid),
  name: Type.String(),
  face_value_fen: Fen(),
  threshold_fen: Fen(),
  quantity: Type.Integer(),
});

export const SpendingOrder = Type.Union([
  Type.Literal('proportional'),
  Type.Literal('bonus_first'),
  Type.Literal('principal_first'),
]);
const BonusMode = Type.Union([Type.Literal('immediate'), Type.Literal('monthly')]);
const InstalmentStart = Type.Union([Type.Literal('this_month'), Type.Literal('next_month')]);

export const CreateRechargePlanBody = Body({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  price_fen: FenIn(1, 'what the member pays'),
  bonus_fen: Type.Optional(FenIn(0, 'bonus (赠送金) in total')),
  bonus_mode: Type.Optional(BonusMode),
  bonus_instalments_fen: Type.Optional(
    Type.Array(FenIn(0), {
      maxItems: 36,
      description: 'monthly mode: one amount per month, adding up to bonus_fen',
    }),
  ),
  instalment_start: Type.Optional(InstalmentStart),
  coupon_pack: Type.Optional(Type.Array(CouponPackItemBody, { maxItems: 20 })),
  refundable: Type.Optional(Type.Boolean()),
});
export type CreateRechargePlanBody = Static<typeof CreateRechargePlanBody>;

export const UpdateRechargePlanBody = PatchBody(
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    active: Type.Optional(Type.Boolean()),
  }),
);

export const RechargePlan = Type.Object({
  id: Uuid,
  name: Type.String(),
  price_fen: Fen(),
  bonus_fen: Fen(),
  bonus_mode: BonusMode,
  bonus_instalments_fen: Type.Array(Type.Integer()),
  instalment_start: InstalmentStart,
  coupon_pack: Type.Array(CouponPackItem),
  coupon_value_fen: Fen(),
  gift_value_fen: Fen('bonus plus coupons: the "get ¥200" of "pay ¥100 get ¥200"'),
  refundable: Type.Boolean(),
  refund_policy: Type.String(),
  active: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const PartState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('spendable'),
  Type.Literal('used_up'),
  Type.Literal('expired'),
  Type.Literal('forfeited'),
]);
export const BonusPart = Type.Object({
  id: Uuid,
  recharge_id: Uuid,
  seq: Type.Integer(),
  amount_fen: Fen(),
  remaining_fen: Fen(),
  available_from: Timestamp,
  expires_at: Nullable(Timestamp),
  state: PartState,
});

export const RechargeBody = Body({
  plan_id: Type.Optional(Uuid),
  amount_fen: Type.Optional(FenIn(1, 'a plain top-up without a plan')),
  tenders: Tenders,
  store_id: Type.Optional(Nullable(Uuid)),
});
export type RechargeBody = Static<typeof RechargeBody>;

export const RechargeRefund = Type.Object({
  refund_fen: Fen('cash given back'),
  principal_debit_fen: Fen(),
  bonus_spent_fen: Fen(),
  bonus_forfeit_fen: Fen(),
  bonus_cancelled_fen: Fen(),
});

export const Recharge = Type.Object({
  id: Uuid,
  member_id: Uuid,
  plan_id: Nullable(Uuid),
  store_id: Nullable(Uuid),
  price_fen: Fen(),
  bonus_fen: Fen(),
  coupon_pack: Type.Array(CouponPackItem),
  coupon_pack_issued_at: Nullable(Timestamp),
  refundable: Type.Boolean(),
  status: Type.Union([Type.Literal('completed'), Type.Literal('refunded')]),
  refund: Nullable(RechargeRefund),
  refunded_at: Nullable(Timestamp),
  tenders: Type.Array(Tender),
  bonus_parts: Type.Array(BonusPart),
  created_at: Timestamp,
});

export const RechargeSummary = Type.Omit(Recharge, ['tenders', 'bonus_parts']);

export const PayBody = Body({
  amount_fen: FenIn(1),
  order_ref: Type.String({ minLength: 1, maxLength: 64 }),
  store_id: Type.Optional(Nullable(Uuid)),
  payment_password: Type.Optional(Type.String({ maxLength: 32 })),
  member_code: Type.Optional(Type.String({ maxLength: 128 })),
});
export type PayBody = Static<typeof PayBody>;

const Balances = Type.Object({ principal_fen: Fen(), bonus_fen: Fen() });
const PartUse = Type.Object({ part_id: Uuid, amount_fen: Fen() });
const Auth = Type.Union([
  Type.Literal('none'),
  Type.Literal('password'),
  Type.Literal('member_code'),
]);

export const WalletPayment = Type.Object({
  id: Uuid,
  member_id: Uuid,
  order_ref: Type.String(),
  store_id: Nullable(Uuid),
  amount_fen: Fen(),
  principal_fen: Fen(),
  bonus_fen: Fen(),
  bonus_parts: Type.Array(PartUse),
  auth: Auth,
  balances: Balances,
  created_at: Timestamp,
});

export const PasswordStatus = Type.Object({
  set: Type.Boolean(),
  locked_until: Nullable(Timestamp),
  tries_left: Type.Integer(),
});

export const Wallet = Type.Object({
  member_id: Uuid,
  principal_fen: Fen(),
  bonus_fen: Fen('bonus spendable now'),
  bonus_ledger_fen: Fen(),
  bonus_pending_fen: Fen('monthly bonus not yet open'),
  spendable_fen: Fen(),
  parts: Type.Array(BonusPart),
  payment_password: PasswordStatus,
});

export const SetPasswordBody = Body({
  password: Type.String({ maxLength: 32, description: '6 digits' }),
  old_password: Type.Optional(Type.String({ maxLength: 32 })),
});

export const ResetPasswordBody = Body({
  password: Type.String({ maxLength: 32 }),
  identity_check: Body({
    method: Type.Union([
      Type.Literal('id_document'),
      Type.Literal('phone_code'),
      Type.Literal('in_person'),
    ]),
    reference: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'what was checked, e.g. the last 4 digits of the ID shown',
    }),
  }),
});

export const WalletSetting = Type.Object({
  spending_order: SpendingOrder,
  password_threshold_fen: Nullable(Fen('balance payments above this need the password')),
  member_code_as_password: Type.Boolean(),
  pay_to_join_min_fen: Nullable(Fen('a non-member paying at least this gets a card invitation')),
});
export const UpdateWalletSettingBody = PatchBody(
  Body({
    spending_order: Type.Optional(SpendingOrder),
    password_threshold_fen: Type.Optional(Nullable(FenIn(0))),
    member_code_as_password: Type.Optional(Type.Boolean()),
    pay_to_join_min_fen: Type.Optional(Nullable(FenIn(1))),
  }),
);

const LiabilityRow = Type.Object({
  store_id: Nullable(Uuid),
  store_name: Nullable(Type.String()),
  members: Type.Integer(),
  principal_fen: Fen(),
  bonus_fen: Fen(),
  bonus_pending_fen: Fen(),
  total_fen: Fen(),
});
export const WalletLiability = Type.Object({
  as_of: Timestamp,
  stores: Type.Array(LiabilityRow),
  total: Type.Omit(LiabilityRow, ['store_id', 'store_name']),
});
