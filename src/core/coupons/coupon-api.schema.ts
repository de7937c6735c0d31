import { Type } from 'typebox';
import { Body, Nullable, Timestamp, Uuid } from '../../lib/schema.ts';
import { CouponStatus, CouponTemplate } from './coupon.schema.ts';

export const TemplateResponse = Type.Object({
  ...CouponTemplate.properties,
  active: Type.Boolean(),
  issued: Type.Integer({ minimum: 0, description: 'coupons issued so far, against total_stock' }),
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
  issued_via: Type.String(),
  redeemed_at: Nullable(Timestamp),
  redeemed_store_id: Nullable(Uuid),
  created_at: Timestamp,
});

export const IssueBody = Body({ template_id: Uuid });

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
