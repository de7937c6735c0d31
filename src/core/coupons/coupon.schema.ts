import { type Static, Type } from 'typebox';
import { Body, DateString, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

const FenIn = (min: number, description?: string) =>
  Type.Integer({ minimum: min, maximum: 1_000_000_000, ...(description ? { description } : {}) });

export const CouponKind = Type.Union([
  Type.Literal('threshold_off'),
  Type.Literal('cash_voucher'),
  Type.Literal('percent_off'),
  Type.Literal('free_item'),
  Type.Literal('count_card'),
]);
export type CouponKind = Static<typeof CouponKind>;

/** Which units a free item or a count-card use covers; both null = any unit in scope. */
const Items = Body({
  sku_ids: Nullable(Type.Array(Uuid, { maxItems: 200, uniqueItems: true })),
  category_codes: Nullable(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
  ),
});

export const CouponBenefit = Type.Union([
  Body({
    kind: Type.Literal('threshold_off'),
    threshold_fen: FenIn(1, '满减: spend at least this…'),
    off_fen: FenIn(1, '…and this comes off'),
  }),
  Body({ kind: Type.Literal('cash_voucher'), value_fen: FenIn(1, '代金券 face value') }),
  Body({
    kind: Type.Literal('percent_off'),
    discount_bp: Type.Integer({
      minimum: 1,
      maximum: 9999,
      description: 'the part taken off, as for tiers: 1000 = 10 % off (九折)',
    }),
    cap_fen: Nullable(FenIn(1, 'the most it takes off; null = no cap')),
    threshold_fen: FenIn(0, 'minimum eligible amount; 0 = none'),
  }),
  Body({
    kind: Type.Literal('free_item'),
    items: Items,
    max_value_fen: Nullable(FenIn(1, 'the most the free unit is worth; null = any price')),
  }),
  Body({
    kind: Type.Literal('count_card'),
    items: Items,
    uses: Type.Integer({ minimum: 1, maximum: 1000, description: '次卡: number of uses' }),
  }),
]);
export type CouponBenefit = Static<typeof CouponBenefit>;

export const CouponValidity = Type.Union([
  Body({
    mode: Type.Literal('fixed'),
    from: DateString,
    to: Type.String({ format: 'date', description: 'last local day, inclusive' }),
  }),
  Body({
    mode: Type.Literal('days_after_claim'),
    days: Type.Integer({
      minimum: 1,
      maximum: 3660,
      description: 'the claim day is day 1; ends at the merchant-local midnight after day N',
    }),
  }),
]);
export type CouponValidity = Static<typeof CouponValidity>;

const HourMinute = Type.String({ maxLength: 5, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const CouponScope = Body({
  store_ids: Nullable(Type.Array(Uuid, { maxItems: 500, uniqueItems: true })),
  category_codes: Nullable(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
  ),
  sku_ids: Nullable(Type.Array(Uuid, { maxItems: 200, uniqueItems: true })),
  min_spend_fen: FenIn(0, 'eligible amount needed to use it at all; 0 = none'),
});
export type CouponScope = Static<typeof CouponScope>;

/**
 * The one stacking rule (docs/coupons.md): coupons are used together only if every pair
 * agrees both ways, each being `stackable` and listing the other's kind. `exclusive` is used
 * alone. Kinds are applied in KIND_ORDER (coupon.rules.ts).
 */
export const CouponStacking = Type.Union([
  Body({ mode: Type.Literal('exclusive') }),
  Body({
    mode: Type.Literal('stackable'),
    with_kinds: Type.Array(CouponKind, { minItems: 1, maxItems: 5, uniqueItems: true }),
  }),
]);
export type CouponStacking = Static<typeof CouponStacking>;

const templateFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  benefit: CouponBenefit,
  validity: CouponValidity,
  usable_weekdays: Nullable(
    Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO weekdays in the merchant zone, 1 = Monday; null = every day',
    }),
  ),
  usable_hours: Nullable(
    Body({
      from: HourMinute,
      to: Type.String({
        maxLength: 5,
        pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$',
        description: 'exclusive',
      }),
    }),
  ),
  scope: CouponScope,
  stacking: CouponStacking,
  total_stock: Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  per_member_limit: Nullable(Type.Integer({ minimum: 1, maximum: 1000 })),
};

const memberClaimable = Type.Boolean({
  description: "offered in the member page's coupon centre and claimable there (default false)",
});

export const CouponTemplateBody = Body({
  ...templateFields,
  member_claimable: Type.Optional(memberClaimable),
});
export type CouponTemplateBody = Static<typeof CouponTemplateBody>;

export const CouponTemplate = Body({ id: Uuid, ...templateFields });
export type CouponTemplate = Static<typeof CouponTemplate>;

/** What a template's PATCH changes: only settings that leave held coupons as they are. */
export const TemplatePatchBody = PatchBody(Body({ member_claimable: memberClaimable }));
export type TemplatePatchBody = Static<typeof TemplatePatchBody>;

export const CouponStatus = Type.Union([
  Type.Literal('issued'),
  Type.Literal('redeemed'),
  Type.Literal('void'),
  Type.Literal('expired'),
]);

/** A coupon a member holds; its window is fixed when it is issued (couponWindow). */
export const Coupon = Type.Object({
  id: Uuid,
  template_id: Uuid,
  member_id: Uuid,
  status: CouponStatus,
  valid_from: Timestamp,
  valid_until: Timestamp,
  /** count cards: uses left; 1 for every other kind */
  uses_left: Type.Integer({ minimum: 0 }),
});
export type Coupon = Static<typeof Coupon>;
