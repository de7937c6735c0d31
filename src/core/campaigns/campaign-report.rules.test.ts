import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetRoom, couponFaceFen, pointsCostFen } from './campaign-budget.rules.ts';
import { forecastCampaign } from './campaign-forecast.rules.ts';
import {
  meanDifference,
  proportionDifference,
  roi,
  tQuantile975,
  wilson,
} from './campaign-report.rules.ts';

describe('campaign report statistics', () => {
  it('Wilson interval matches published values', () => {
    // Newcombe (1998), table I: 81/263 → 0.2553 … 0.3662
    const w = wilson(81, 263)!;
    expect(w.low).toBeCloseTo(0.2553, 4);
    expect(w.high).toBeCloseTo(0.3662, 4);
    expect(wilson(0, 10)!.low).toBe(0);
    expect(wilson(0, 0)).toBeNull();
  });

  it("Newcombe's hybrid score interval for a difference matches his worked example", () => {
    // Newcombe (1998b), example (a): 56/70 vs 48/80 → 0.0524 … 0.3339
    const d = proportionDifference(56, 70, 48, 80)!;
    expect(d.estimate).toBeCloseTo(0.2, 10);
    expect(d.low).toBeCloseTo(0.0524, 4);
    expect(d.high).toBeCloseTo(0.3339, 4);
  });

  it('the t quantile is close to the table', () => {
    expect(tQuantile975(3)).toBeCloseTo(3.182, 2);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    expect(tQuantile975(30)).toBeCloseTo(2.042, 3);
    expect(tQuantile975(1e9)).toBeCloseTo(1.96, 3);
  });

  it('Welch interval of a known pair of samples', () => {
    const m = (xs: number[]) => ({
      n: xs.length,
      sum: xs.reduce((a, b) => a + b, 0),
      sumSquares: xs.reduce((a, b) => a + b * b, 0),
    });
    // means 5 and 2, variances 5/2 and 2/3, n 5 and 4: se² = 1/2 + 1/6, df ≈ 6.19
    const d = meanDifference(m([3, 4, 5, 6, 7]), m([1, 2, 2, 3]))!;
    expect(d.estimate).toBeCloseTo(3, 10);
    const se = Math.sqrt(0.5 + 1 / 6);
    const df = (0.5 + 1 / 6) ** 2 / (0.5 ** 2 / 4 + (1 / 6) ** 2 / 3);
    expect(df).toBeCloseTo(6.19, 2);
    expect(d.high - d.estimate).toBeCloseTo(tQuantile975(df) * se, 10);
    // t(0.975, 6.19) from the table: between 6 (2.447) and 7 (2.365)
    expect(tQuantile975(df)).toBeGreaterThan(2.42);
    expect(tQuantile975(df)).toBeLessThan(2.447);
    expect(meanDifference(m([1]), m([1, 2]))).toBeNull();
  });

  it('intervals hold their estimate and stay in range (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n1, n2, p1, p2) => {
          const x1 = Math.floor(n1 * p1);
          const x2 = Math.floor(n2 * p2);
          const d = proportionDifference(x1, n1, x2, n2)!;
          expect(d.low).toBeLessThanOrEqual(d.estimate + 1e-12);
          expect(d.high).toBeGreaterThanOrEqual(d.estimate - 1e-12);
          expect(d.low).toBeGreaterThanOrEqual(-1);
          expect(d.high).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('ROI is revenue per fen of discount', () => {
    expect(roi(70_000, 50_000)).toBe(1.4);
    expect(roi(1, 0)).toBeNull();
  });
});

describe('campaign budget', () => {
  it('counts the face value and points at the till rate, and never overspends', () => {
    expect(couponFaceFen({ kind: 'threshold_off', threshold_fen: 10_000, off_fen: 5_000 })).toBe(
      5_000,
    );
    expect(
      couponFaceFen({ kind: 'percent_off', discount_bp: 1000, cap_fen: null, threshold_fen: 0 }),
    ).toBe(0);
    expect(pointsCostFen(150, { points_per_unit: 100, fen_per_unit: 100 })).toBe(150);
    expect(pointsCostFen(150, { points_per_unit: 100, fen_per_unit: 1 })).toBe(1);
    expect(pointsCostFen(150, undefined)).toBe(0);
    const none = { coupons: null, points: null, cost_fen: null };
    expect(
      budgetRoom(
        none,
        { coupons: 0, points: 0, cost_fen: 0 },
        { coupons: 1, points: 0, cost_fen: 1 },
      ),
    ).toBe(Infinity);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 500 }),
        (cap, spent, each) => {
          const room = budgetRoom(
            { ...none, cost_fen: cap },
            { coupons: 0, points: 0, cost_fen: spent },
            { coupons: 1, points: 0, cost_fen: each },
          );
          expect(room).toBeGreaterThanOrEqual(0);
          if (spent <= cap) {
            expect(spent + room * each).toBeLessThanOrEqual(cap);
            expect(spent + (room + 1) * each).toBeGreaterThan(cap);
          } else expect(room).toBe(0);
        },
      ),
    );
  });
});

describe('campaign forecast', () => {
  const reach = { targeted: 1000, skipped_consent: 100, skipped_cap: 50, control: 85, reach: 765 };
  const at = new Date('2026-12-02T00:00:00Z');

  it('says plainly when there is no history: the reach and the certain liabilities only', () => {
    const f = forecastCampaign(
      reach,
      { kind: 'coupon:threshold_off', coupon: true, points: 100 },
      [],
      at,
    );
    expect(f).toMatchObject({
      basis: 'none',
      reach: 765,
      coupons: 765,
      points_liability: 76_500,
      stored_value_liability_fen: 0,
      expected_redeemed: null,
      expected_revenue_fen: null,
    });
  });

  it('pools past campaigns of the kind: redeem rate, per-redemption cost and revenue, uplift', () => {
    const f = forecastCampaign(
      reach,
      { kind: 'coupon:threshold_off', coupon: true, points: 0 },
      [
        {
          treated: 100,
          control: 10,
          coupons: 100,
          redeemed: 20,
          revenue_fen: 200_000,
          discount_fen: 100_000,
          uplift_revenue_per_member_fen: 500,
        },
        {
          treated: 300,
          control: 30,
          coupons: 300,
          redeemed: 20,
          revenue_fen: 200_000,
          discount_fen: 100_000,
          uplift_revenue_per_member_fen: 100,
        },
      ],
      at,
    );
    expect(f.basis).toBe('history');
    expect(f.redeem_rate).toBeCloseTo(0.1, 10);
    expect(f.expected_redeemed).toBe(77);
    expect(f.expected_cost_fen).toBe(77 * 5_000);
    expect(f.expected_revenue_fen).toBe(77 * 10_000);
    expect(f.expected_uplift_revenue_fen).toBe(Math.round(((100 * 500 + 300 * 100) / 400) * 765));
  });
});
