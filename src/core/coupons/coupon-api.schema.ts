import { Type } from 'typebox';
import { Body, Nullable, Timestamp, Uuid } from '../../lib/schema.ts';
import { CouponStatus, CouponTemplate } from './coupon.schema.ts';

export const TemplateResponse = Type.Object({
  ...CouponTemplate.properties,
  active: Type.Boolean(),
  issued: Type.Integer({ minimum: 0, description: 'coupons issued so far, against total_stock' }),
  member_claimable: Type.Boolean({ description: "claimable on the member page's coupon centre" }),
});

export const CouponResponse = Type.Object({
  id: Uuid,
  template_id: Uuid,
  member_id: Uuid,
  code: Type.String({ description: 'unguessable, 16 characters of Crockford base32' }),
  status: CouponStatus,
  uses_left: Type.Integer({ minimum: 0 }),
  valid_from: Timestamp,
  valid_until: Timestamp,
  issued_via: Type.String({
    description: 'staff, claim, mall, recharge_pack, new_member, campaign …',
  }),
  reason: Nullable(Type.String({ description: 'why staff granted it' })),
  redeemed_at: Nullable(Timestamp),
  redeemed_store_id: Nullable(Uuid),
  created_at: Timestamp,
});

export const IssueBody = Body({
  template_id: Uuid,
  reason: Type.String({ minLength: 1, maxLength: 200, examples: ['顾客投诉补偿'] }),
});

export const ClaimBody = Body({
  phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32, examples: ['13800138000'] })),
  member_id: Type.Optional(Uuid),
});

export const ClaimResponse = Type.Object({
  coupon: CouponResponse,
  member_created: Type.Boolean({ description: 'the phone was no member: 领券先领卡 made one' }),
});

export const CouponSettingBody = Body({
  new_member_pack: Type.Array(
    Body({ template_id: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 20 }) }),
    { maxItems: 20, description: '新人礼包: issued to every newly registered member' },
  ),
  /** most coupons one staff member of the role may grant per local day; absent = no cap */
  staff_daily_caps: Body({
    owner: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    manager: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    cashier: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    marketer: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  }),
});

export const CouponQrResponse = Type.Object({
  code: Type.String(),
  qr_svg: Type.String({ description: 'the code as a QR code, SVG' }),
});

export const RedeemByCodeBody = Body({
  code: Type.String({ minLength: 1, maxLength: 64, examples: ['7KQ2M9XH4TBW0RCE'] }),
});

export const MemberCouponsQuery = Type.Object(
  {
    status: Type.Optional(CouponStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
