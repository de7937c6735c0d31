import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateLargestRemainder } from '../../lib/allocate.ts';
import type { HeldCoupon } from '../coupons/coupon.rules.ts';
import type { Coupon, CouponTemplate } from '../coupons/coupon.schema.ts';
import {
  type OrderLineInput,
  type PricingInput,
  type PricingMember,
  priceOrder,
} from './pricing.rules.ts';

const MEMBER = '00000000-0000-4000-8000-000000000001';
const NOW = new Date('2027-06-02T12:00:00+08:00');

const member = (over: Partial<PricingMember> = {}): PricingMember => ({
  id: MEMBER,
  birthday: null,
  tier: {
    id: 'gold',
    name: 'Gold',
    discount_bp: 500,
    points_multiplier_bp: 15_000,
    birthday_multiplier_bp: 10_000,
  },
  extra_discount_bp: 0,
  points_balance: 10_000,
  wallet: { principal_fen: 20_000, bonus_fen: 10_000 },
  ...over,
});
const line = (
  line_id: string,
  unit: number,
  quantity = 1,
  category = 'normal',
): OrderLineInput => ({
  line_id,
  sku_id: null,
  category,
  unit_price_fen: unit,
  quantity,
  tier_discountable: true,
});
const held = (
  id: string,
  t: Partial<CouponTemplate> & Pick<CouponTemplate, 'benefit'>,
): HeldCoupon => {
  const coupon: Coupon = {
    id,
    template_id: `t-${id}`,
    member_id: MEMBER,
    status: 'issued',
    valid_from: new Date('2027-01-01T00:00:00+08:00'),
    valid_until: new Date('2028-01-01T00:00:00+08:00'),
    uses_left: 1,
  };
  const template: CouponTemplate = {
    id: `t-${id}`,
    name: id,
    validity: { mode: 'fixed', from: '2027-01-01', to: '2027-12-31' },
    usable_weekdays: null,
    usable_hours: null,
    scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
    stacking: { mode: 'exclusive' },
    total_stock: null,
    per_member_limit: null,
    ...t,
  };
  return { template, coupon };
};
const input = (over: Partial<PricingInput> = {}): PricingInput => ({
  store_id: 'store',
  lines: [line('a', 15_000), line('b', 10_000)],
  member: member(),
  held_coupons: [],
  selected_coupon_ids: [],
  points_to_use: 0,
  stored_value_fen: 0,
  tenders: [],
  settings: {
    spending_order: 'proportional',
    points_deduction: { points_per_unit: 100, fen_per_unit: 100, max_share_bp: 5000 },
    earn: {
      default_fen_per_point: 100,
      categories: [{ category: 'gold', fen_per_point: 1000 }],
      campaigns: [],
      time_zone: 'Asia/Shanghai',
    },
    principal_earns: true,
    bonus_earns: false,
    fen_per_growth: 100,
  },
  ...over,
});

describe('allocateLargestRemainder', () => {
  it('gives the leftover fen to the largest remainders, ties to the earlier line', () => {
    expect(allocateLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateLargestRemainder(10, [3, 7])).toEqual([3, 7]);
    expect(allocateLargestRemainder(5, [0, 2, 0])).toEqual([0, 5, 0]);
  });

  it('property: shares sum exactly, stay within weights, even past 2^53 in the products', () => {
    const big = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(
        fc.array(big, { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, f) => {
          const sum = weights.reduce((s, w) => s + BigInt(w), 0n);
          if (sum === 0n) return;
          const total = Number((sum * BigInt(Math.floor(f * 1e6))) / 1_000_000n);
          if (!Number.isSafeInteger(total)) return;
          const shares = allocateLargestRemainder(total, weights);
          expect(shares.reduce((s, n) => s + BigInt(n), 0n)).toBe(BigInt(total));
          shares.forEach((n, i) => {
            expect(n).toBeGreaterThanOrEqual(0);
            expect(n).toBeLessThanOrEqual(weights[i]!);
          });
        },
      ),
    );
  });
});

describe('priceOrder', () => {
  it('runs tier → coupon → points → stored value → tender and explains each step', () => {
    const manjian = held('m', {
      benefit: { kind: 'threshold_off', threshold_fen: 20_000, off_fen: 2000 },
    });
    const far = held('far', {
      benefit: { kind: 'threshold_off', threshold_fen: 50_000, off_fen: 5000 },
    });
    const p = priceOrder(
      input({
        held_coupons: [manjian, far],
        selected_coupon_ids: ['m'],
        points_to_use: 500,
        stored_value_fen: 9000,
        tenders: [{ method: 'cash', amount_fen: 12_250, received_fen: 13_000 }],
      }),
      NOW,
    );
    // 250.00 − 5 % (12.50) = 237.50 ≥ 200 → −20 = 217.50 → 500 points −5 = 212.50
    expect(p.problems).toEqual([]);
    expect([p.tier_discount_fen, p.coupon_discount_fen, p.points_deduction_fen, p.due_fen]).toEqual(
      [1250, 2000, 500, 21_250],
    );
    expect([p.principal_fen, p.bonus_fen, p.tender_fen]).toEqual([6000, 3000, 12_250]);
    expect(p.trace.map((s) => s.step)).toEqual(
      ['tier', 'coupon', 'points', 'stored_value', 'tender', 'coupon_not_applied', 'earn'].sort(
        (a, b) => order(a) - order(b),
      ),
    );
    expect(p.trace.find((s) => s.step === 'coupon_not_applied')).toMatchObject({
      coupon_id: 'far',
      code: 'coupon.not_stackable_with',
    });
    expect(p.trace.find((s) => s.step === 'tender')).toMatchObject({ change_fen: 750 });
    // earns on 212.50 − 30.00 bonus = 182.50 → 182 points × 1.5 = 273; growth 182
    expect([p.points_earned, p.growth]).toEqual([273, 182]);
    expect(p.applied_coupon_ids).toEqual(['m']);
  });

  it('a selected coupon below its threshold after the tier discount is a problem with the missing fen', () => {
    const manjian = held('m', {
      benefit: { kind: 'threshold_off', threshold_fen: 25_000, off_fen: 2000 },
    });
    const p = priceOrder(
      input({
        held_coupons: [manjian],
        selected_coupon_ids: ['m'],
        tenders: [{ method: 'cash', amount_fen: 23_750 }],
      }),
      NOW,
    );
    expect(p.problems).toEqual([
      {
        code: 'coupon.below_threshold',
        field: 'coupons',
        params: { coupon_id: 'm', threshold_fen: 25_000, missing_fen: 1250 },
      },
    ]);
  });

  it('points are cut to their share, refused beyond the balance; tenders must sum; stored value beyond the wallet is refused', () => {
    const capped = priceOrder(
      input({ points_to_use: 99_999, member: member({ points_balance: 100_000 }) }),
      NOW,
    );
    expect(capped.trace.find((s) => s.step === 'points')).toMatchObject({
      points: 11_800,
      discount_fen: 11_800,
      cap_fen: 11_875,
    });
    const over = priceOrder(input({ points_to_use: 10_001 }), NOW);
    expect(over.problems[0]).toMatchObject({
      code: 'points.insufficient',
      params: { available: 10_000 },
    });
    const short = priceOrder(input({ tenders: [{ method: 'alipay', amount_fen: 100 }] }), NOW);
    expect(short.problems).toContainEqual({
      code: 'checkout.tenders_mismatch',
      field: 'tenders',
      params: { expected_fen: 23_750, tendered_fen: 100 },
    });
    const sv = priceOrder(input({ stored_value_fen: 30_001 }), NOW);
    expect(sv.problems[0]).toMatchObject({
      code: 'wallet.insufficient',
      params: { available_fen: 30_000 },
    });
  });

  it('a held coupon left unselected is shown with the discount it would give, or why it cannot apply', () => {
    const voucher = held('v', { benefit: { kind: 'cash_voucher', value_fen: 500 } });
    const gold = held('g', {
      benefit: { kind: 'cash_voucher', value_fen: 500 },
      scope: { store_ids: null, category_codes: ['gold'], sku_ids: null, min_spend_fen: 0 },
    });
    const p = priceOrder(
      input({ held_coupons: [voucher, gold], tenders: [{ method: 'cash', amount_fen: 23_750 }] }),
      NOW,
    );
    expect(p.problems).toEqual([]);
    expect(p.trace.filter((s) => s.step === 'coupon_not_applied')).toMatchObject([
      {
        coupon_id: 'v',
        selected: false,
        code: 'coupon.not_selected',
        params: { discount_fen: 500 },
      },
      { coupon_id: 'g', selected: false, code: 'coupon.wrong_category' },
    ]);
  });

  it('a walk-in earns nothing and gets no tier discount', () => {
    const p = priceOrder(
      input({ member: null, tenders: [{ method: 'wechat_pay', amount_fen: 25_000 }] }),
      NOW,
    );
    expect([p.due_fen, p.points_earned, p.problems.length]).toEqual([25_000, 0, 0]);
  });

  it('property: every line adds up, no line below 0, tenders pay the amount due exactly', () => {
    const lineArb = fc.record({
      unit: fc.integer({ min: 0, max: 50_000 }),
      qty: fc.integer({ min: 1, max: 5 }),
      cat: fc.constantFrom('normal', 'gold'),
    });
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(
          'proportional' as const,
          'bonus_first' as const,
          'principal_first' as const,
        ),
        (ls, discount, points, svShare, spending) => {
          const lines = ls.map((l, i) => line(`l${i}`, l.unit, l.qty, l.cat));
          const pct = held('p', {
            benefit: { kind: 'percent_off', discount_bp: 2000, cap_fen: 3000, threshold_fen: 0 },
          });
          const base = input({
            lines,
            held_coupons: [pct],
            selected_coupon_ids: ['p'],
            points_to_use: points,
            member: member({ tier: { ...member().tier!, discount_bp: discount } }),
          });
          const dry = priceOrder(base, NOW);
          const sv = Math.min(30_000, Math.floor(dry.due_fen * svShare));
          const rest = dry.due_fen - sv;
          const p = priceOrder(
            {
              ...base,
              settings: { ...base.settings, spending_order: spending },
              stored_value_fen: sv,
              tenders: rest > 0 ? [{ method: 'cash', amount_fen: rest }] : [],
            },
            NOW,
          );
          expect(p.problems).toEqual([]);
          for (const l of p.lines) {
            expect(
              l.amount_fen - l.tier_discount_fen - l.coupon_discount_fen - l.points_deduction_fen,
            ).toBe(l.due_fen);
            expect(l.principal_fen + l.bonus_fen + l.tender_fen).toBe(l.due_fen);
            for (const n of [
              l.due_fen,
              l.principal_fen,
              l.bonus_fen,
              l.tender_fen,
              l.earn_base_fen,
            ])
              expect(n).toBeGreaterThanOrEqual(0);
          }
          expect(p.principal_fen + p.bonus_fen + p.tender_fen).toBe(p.due_fen);
          expect(p.points_deduction_fen).toBeLessThanOrEqual(
            Math.floor((dry.due_fen + dry.points_deduction_fen) / 2),
          );
        },
      ),
    );
  });
});

function order(step: string): number {
  return [
    'tier',
    'coupon',
    'coupon_not_applied',
    'points',
    'stored_value',
    'tender',
    'earn',
  ].indexOf(step);
}
