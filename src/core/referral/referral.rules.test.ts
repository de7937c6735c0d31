import { describe, expect, it } from 'vitest';
import {
  commissionFen,
  commissionPoints,
  reversalOf,
  withinBindingWindow,
} from './referral.rules.ts';

const DAY = 86_400_000;
const setting = { rule: 'orders_percent', fixed_fen: 800, percent_bp: 333, rule_days: 30 } as const;

describe('referral rules', () => {
  it('refunds one by one take back exactly the commission, whatever the split', () => {
    for (const original of [1, 7, 333, 1_000, 99_999]) {
      for (const parts of [
        [1, 1, 1],
        [3, 5, 9, 2],
        [1, 999],
        [50, 50],
      ]) {
        const den = parts.reduce((a, b) => a + b, 0);
        let reversed = 0;
        let refunded = 0;
        for (const num of parts) {
          const take = reversalOf(original, reversed, refunded, { num, den });
          expect(take).toBeGreaterThanOrEqual(0);
          reversed += take;
          refunded += num;
          expect(reversed).toBeLessThanOrEqual(original);
        }
        expect(reversed).toBe(original);
      }
    }
  });

  it('a refund beyond the order takes back no more than the commission', () => {
    expect(reversalOf(500, 400, 80, { num: 50, den: 100 })).toBe(100);
    expect(reversalOf(500, 500, 100, { num: 10, den: 100 })).toBe(0);
  });

  it('pays percent of orders only within N days of the binding, and fixed or first-order only once', () => {
    const bound = new Date('2026-12-01T00:00:00Z');
    const at = (days: number) => new Date(bound.getTime() + days * DAY);
    const order = (days: number) => ({ paid_fen: 10_000, created_at: at(days) });
    expect(commissionFen(setting, order(29.9), { bound_at: bound, first: false })).toBe(333);
    expect(commissionFen(setting, order(30), { bound_at: bound, first: false })).toBe(0);
    const fixed = { ...setting, rule: 'fixed_new_member' } as const;
    expect(commissionFen(fixed, order(1), { bound_at: bound, first: true })).toBe(800);
    expect(commissionFen(fixed, order(1), { bound_at: bound, first: false })).toBe(0);
    const first = { ...setting, rule: 'first_order_percent' } as const;
    expect(commissionFen(first, order(1), { bound_at: bound, first: false })).toBe(0);
    expect(
      commissionFen(fixed, { paid_fen: 0, created_at: at(1) }, { bound_at: bound, first: true }),
    ).toBe(0);
  });

  it('converts commission to points and keeps the window inclusive', () => {
    expect(commissionPoints(599, 1)).toBe(5);
    expect(commissionPoints(599, 10)).toBe(59);
    const joined = new Date('2026-12-01T00:00:00Z');
    expect(withinBindingWindow(joined, new Date(joined.getTime() + 7 * DAY), 7)).toBe(true);
    expect(withinBindingWindow(joined, new Date(joined.getTime() + 7 * DAY + 1), 7)).toBe(false);
  });
});
