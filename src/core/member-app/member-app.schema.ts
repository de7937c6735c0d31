import { Type } from 'typebox';
import { Body, DateString, Nullable, Timestamp, Uuid } from '../../lib/schema.ts';

export const Phone = Type.String({ minLength: 1, maxLength: 32, examples: ['13800138000'] });
export const OtpCode = Type.String({
  pattern: '^[0-9]{6}$',
  minLength: 6,
  maxLength: 6,
  examples: ['123456'],
});

export const MerchantParams = Type.Object({ merchantId: Uuid });
export const LandingQuery = Type.Object(
  { store_id: Type.Optional(Uuid) },
  { additionalProperties: false },
);

export const Landing = Type.Object({
  merchant: Type.Object({ id: Uuid, name: Type.String() }),
  store: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
});

export const CodeRequestBody = Body({ phone: Phone });
export const CodeSent = Type.Object({
  challenge_id: Uuid,
  expires_at: Timestamp,
  resend_after_seconds: Type.Integer(),
});

export const SignInBody = Body({
  phone: Phone,
  code: OtpCode,
  store_id: Type.Optional(Uuid),
  share_code: Type.Optional(
    Type.String({ minLength: 1, maxLength: 32, description: 'the ?r= of a share link' }),
  ),
});
export const SignedIn = Type.Object({
  token: Type.String({ description: 'ms_…: send as Authorization: Bearer' }),
  expires_at: Timestamp,
  member_id: Nullable(Uuid),
});

export const Card = Type.Object({
  member_id: Uuid,
  card_no: Type.String(),
  name: Nullable(Type.String()),
  birthday: Nullable(Type.String()),
  marketing_consent: Type.Boolean(),
  tier: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  next_tier: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  qualifying_value: Type.Integer(),
  missing: Type.Integer({ description: 'still needed to reach next_tier' }),
  basis: Type.String(),
  points: Type.Integer(),
  points_expiring: Type.Array(Type.Object({ points: Type.Integer(), expires_at: Timestamp })),
  principal_fen: Type.Integer(),
  bonus_fen: Type.Integer(),
  bonus_pending_fen: Type.Integer(),
  bonus_parts: Type.Array(
    Type.Object({
      amount_fen: Type.Integer(),
      remaining_fen: Type.Integer(),
      available_from: Timestamp,
      expires_at: Nullable(Timestamp),
      state: Type.String(),
    }),
  ),
  payment_password_set: Type.Boolean(),
  paid_member: Type.Boolean(),
  paid_until: Nullable(Timestamp),
});

export const Me = Type.Object({
  phone: Type.String(),
  member_id: Nullable(Uuid),
  store_id: Nullable(Uuid),
  card: Nullable(Card),
});

export const MyCoupon = Type.Object({
  id: Uuid,
  template_id: Uuid,
  name: Type.String(),
  code: Type.String(),
  status: Type.String(),
  uses_left: Type.Integer(),
  valid_from: Timestamp,
  valid_until: Timestamp,
});

export const ClaimableTemplate = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: Type.String(),
  left: Nullable(Type.Integer({ description: 'stock left; null = unlimited' })),
});

export const InboxMessage = Type.Object({
  id: Uuid,
  purpose: Type.String(),
  title: Type.String(),
  body: Type.String(),
  ref_type: Nullable(
    Type.String({ description: 'what sent it: campaign (its call to action opens the coupons)' }),
  ),
  read_at: Nullable(Timestamp),
  clicked_at: Nullable(Timestamp),
  created_at: Timestamp,
});

export const Share = Type.Object({
  code: Type.String(),
  url: Type.String(),
  qr_svg: Type.String(),
  invited: Type.Integer(),
  bound: Type.Integer(),
  earned_fen: Type.Integer(),
  available_fen: Type.Integer(),
});

export const PasswordBody = Body({
  code: OtpCode,
  password: Type.String({ minLength: 1, maxLength: 32 }),
});
export const PasswordStatus = Type.Object({
  set: Type.Boolean(),
  locked_until: Nullable(Timestamp),
  tries_left: Type.Integer(),
});

export const ProfileBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    gender: Type.Optional(
      Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Literal('unknown')]),
    ),
    birthday: Type.Optional(DateString),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MarketingBody = Body({ opted_out: Type.Boolean() });
export const MarketingState = Type.Object({ marketing_opted_out: Type.Boolean() });

const PrivacyKind = Type.Union([Type.Literal('export'), Type.Literal('erasure')]);
const PrivacyStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('done'),
  Type.Literal('refused'),
]);
export const PrivacyRequestBody = Body({ kind: PrivacyKind });
export const PrivacyRequest = Type.Object({
  id: Uuid,
  member_id: Uuid,
  kind: PrivacyKind,
  status: PrivacyStatus,
  created_at: Timestamp,
  decided_at: Nullable(Timestamp),
});
export const PrivacyListQuery = Type.Object(
  { status: Type.Optional(PrivacyStatus), member_id: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const PrivacyDecideBody = Body({
  status: Type.Union([Type.Literal('done'), Type.Literal('refused')]),
});

export const PaymentBody = Body({
  plan_id: Uuid,
  provider: Type.Literal('development', {
    description: 'the gateway; WeChat Pay and Alipay take this slot when configured',
  }),
});
export const MemberPayment = Type.Object({
  id: Uuid,
  plan_id: Uuid,
  amount_fen: Type.Integer(),
  provider: Type.String(),
  status: Type.String(),
  recharge_id: Nullable(Uuid),
  created_at: Timestamp,
  completed_at: Nullable(Timestamp),
});

export const MemberPlan = Type.Object({
  id: Uuid,
  name: Type.String(),
  price_fen: Type.Integer(),
  bonus_fen: Type.Integer(),
});
