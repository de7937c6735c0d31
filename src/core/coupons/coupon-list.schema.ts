import { type Static, Type } from 'typebox';
import { DateString, Nullable, Timestamp, Uuid } from '../../lib/schema.ts';
import { CouponKind, CouponStatus } from './coupon.schema.ts';

/** The filters of the issued-coupon list (券记录); issued days are the merchant's local days. */
export const CouponListFilter = {
  template_id: Type.Optional(Uuid),
  status: Type.Optional(CouponStatus),
  member_id: Type.Optional(Uuid),
  code: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'exact, case-insensitive' }),
  ),
  redeemed_store_id: Type.Optional(Uuid),
  issued_from: Type.Optional(DateString),
  issued_to: Type.Optional(DateString),
};

export const CouponListQuery = Type.Object(
  {
    ...CouponListFilter,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CouponListQuery = Static<typeof CouponListQuery>;

export const CouponExportQuery = Type.Object(
  {
    ...CouponListFilter,
    format: Type.Optional(Type.Literal('csv', { description: 'the default' })),
  },
  { additionalProperties: false },
);
export type CouponExportQuery = Static<typeof CouponExportQuery>;

export const CouponListItem = Type.Object({
  id: Uuid,
  code: Type.String({
    description:
      'whole only for roles that redeem at the till (loyalty.operate); otherwise masked to its last 4',
  }),
  code_masked: Type.Boolean(),
  template_id: Uuid,
  template_name: Type.String(),
  kind: CouponKind,
  member_id: Uuid,
  member_name: Nullable(Type.String()),
  member_card_no: Type.String(),
  member_phone: Nullable(
    Type.String({ description: 'masked (138****8000) for roles without members.pii' }),
  ),
  status: CouponStatus,
  uses_left: Type.Integer({ minimum: 0 }),
  issued_via: Type.String(),
  reason: Nullable(Type.String()),
  valid_from: Timestamp,
  valid_until: Timestamp,
  redeemed_at: Nullable(Timestamp),
  redeemed_store_id: Nullable(Uuid),
  redeemed_store_name: Nullable(Type.String()),
  redeemed_by: Nullable(Uuid),
  redeemed_by_name: Nullable(Type.String()),
  order_id: Nullable(Uuid),
  created_at: Timestamp,
});
