import type { CouponLine } from './coupon.rules.ts';
import type { Coupon, CouponBenefit, CouponTemplate } from './coupon.schema.ts';

// Builders shared by the coupon rule tests.
export const SH = 'Asia/Shanghai';
export const NY = 'America/New_York';
export const MEMBER = '00000000-0000-4000-8000-000000000001';
export const STORE = '00000000-0000-4000-8000-0000000000aa';

export const template = (
  benefit: CouponBenefit,
  over: Partial<CouponTemplate> = {},
): CouponTemplate => ({
  id: `t-${benefit.kind}`,
  name: benefit.kind,
  benefit,
  validity: { mode: 'fixed', from: '2027-01-01', to: '2027-12-31' },
  usable_weekdays: null,
  usable_hours: null,
  scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
  stacking: { mode: 'exclusive' },
  total_stock: null,
  per_member_limit: null,
  ...over,
});
export const coupon = (id: string, over: Partial<Coupon> = {}): Coupon => ({
  id,
  template_id: 't',
  member_id: MEMBER,
  status: 'issued',
  valid_from: new Date('2027-01-01T00:00:00+08:00'),
  valid_until: new Date('2028-01-01T00:00:00+08:00'),
  uses_left: 1,
  ...over,
});
export const line = (
  line_id: string,
  amount_fen: number,
  over: Partial<CouponLine> = {},
): CouponLine => ({
  line_id,
  sku_id: null,
  category: 'normal',
  quantity: 1,
  amount_fen,
  ...over,
});
export const order = (lines: CouponLine[]) => ({ member_id: MEMBER, store_id: STORE, lines });
export const NOW = new Date('2027-06-02T12:00:00+08:00'); // a Wednesday
export const manjian = template({ kind: 'threshold_off', threshold_fen: 10_000, off_fen: 2000 });
