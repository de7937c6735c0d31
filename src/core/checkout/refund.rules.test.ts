import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PricedLine } from './pricing.rules.ts';
import {
  REVERSED,
  type RecordedOrder,
  refundLines,
  remainingUnits,
  settleClawback,
} from './refund.rules.ts';

const priced = (line_id: string, quantity: number, seed: number): PricedLine => {
  const amount = 997 * quantity + seed;
  const tier = Math.floor(amount / 20);
  const coupon = Math.floor(amount / 7);
  const points = Math.floor(amount / 11);
  const due = amount - tier - coupon - points;
  const bonus = Math.floor(due / 3);
  const principal = Math.floor(due / 5);
  return {
    line_id,
    sku_id: null,
    category: 'normal',
    quantity,
    unit_price_fen: 0,
    amount_fen: amount,
    tier_discount_fen: tier,
    coupons: [],
    coupon_discount_fen: coupon,
    points_used: points,
    points_deduction_fen: points,
    due_fen: due,
    principal_fen: principal,
    bonus_fen: bonus,
    tender_fen: due - bonus - principal,
    earn_base_fen: due - bonus,
    points_earned: Math.floor((due - bonus) / 100),
    growth: Math.floor((due - bonus) / 100),
  };
};

describe('refundLines', () => {
  const order: RecordedOrder = {
    lines: [priced('a', 3, 1), priced('b', 1, 5)],
    applied_coupon_ids: ['c1'],
  };

  it('a partial refund keeps the coupon used; refunding the rest restores it', () => {
    const first = refundLines(order, {}, [{ line_id: 'a', quantity: 1 }]);
    expect(first).toMatchObject({ ok: true, complete: false, restore_coupon_ids: [] });
    const rest = refundLines(order, { a: 1 }, remainingUnits(order, { a: 1 }));
    expect(rest).toMatchObject({ ok: true, complete: true, restore_coupon_ids: ['c1'] });
  });

  it('never more than was bought: names the line and what is left', () => {
    expect(refundLines(order, { a: 2 }, [{ line_id: 'a', quantity: 2 }])).toEqual({
      ok: false,
      code: 'checkout.refund_exceeds',
      field: 'lines.0.quantity',
      params: { line_id: 'a', refundable_quantity: 1 },
    });
    expect(
      refundLines(order, {}, [
        { line_id: 'a', quantity: 2 },
        { line_id: 'a', quantity: 2 },
      ]),
    ).toMatchObject({ ok: false, field: 'lines.1.quantity' });
    expect(refundLines(order, {}, [{ line_id: 'zz', quantity: 1 }])).toMatchObject({
      ok: false,
      code: 'request.invalid',
    });
  });

  it('property: any sequence of partial refunds of every unit ends exactly where a full refund ends', () => {
    const orderArb = fc.array(
      fc.record({ q: fc.integer({ min: 1, max: 7 }), seed: fc.integer({ min: 0, max: 100_000 }) }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(orderArb, fc.array(fc.nat(), { minLength: 30, maxLength: 30 }), (spec, picks) => {
        const o: RecordedOrder = {
          lines: spec.map((s, i) => priced(`l${i}`, s.q, s.seed)),
          applied_coupon_ids: ['c'],
        };
        const full = refundLines(o, {}, remainingUnits(o, {}));
        if (!full.ok) throw new Error(full.code);
        const done: Record<string, number> = {};
        const sums = Object.fromEntries(REVERSED.map((k) => [k, 0])) as Record<string, number>;
        let restored: string[] = [];
        let step = 0;
        while (remainingUnits(o, done).length > 0) {
          const left = remainingUnits(o, done);
          const pick = left[picks[step % picks.length]! % left.length]!;
          const qty = 1 + (picks[(step + 1) % picks.length]! % pick.quantity);
          const r = refundLines(o, done, [{ line_id: pick.line_id, quantity: qty }]);
          if (!r.ok) throw new Error(r.code);
          for (const k of REVERSED) sums[k]! += r[k];
          for (const k of [
            'principal_fen',
            'bonus_fen',
            'tender_fen',
            'points_used',
            'points_earned',
          ] as const)
            expect(r[k]).toBeGreaterThanOrEqual(0);
          done[pick.line_id] = (done[pick.line_id] ?? 0) + qty;
          restored = restored.concat(r.restore_coupon_ids);
          step++;
        }
        for (const k of REVERSED) {
          expect(sums[k]).toBe(full[k]);
          expect(full[k]).toBe(o.lines.reduce((s, l) => s + l[k], 0));
        }
        expect(restored).toEqual(['c']);
      }),
    );
  });
});

describe('settleClawback', () => {
  const rate = { points_per_unit: 100, fen_per_unit: 100, max_share_bp: 5000 };
  it('debt: the balance may go negative; reduce_refund: the cash pays for what the balance lacks', () => {
    const base = {
      points_clawed: 300,
      points_returned: 0,
      points_balance: 100,
      tender_refund_fen: 1000,
      rate,
    };
    expect(settleClawback({ ...base, policy: 'debt' })).toEqual({
      points_clawed: 300,
      refund_reduction_fen: 0,
    });
    expect(settleClawback({ ...base, policy: 'reduce_refund' })).toEqual({
      points_clawed: 100,
      refund_reduction_fen: 200,
    });
    // the cash refund reaches only 50 fen: the rest of the shortfall stays as debt
    expect(settleClawback({ ...base, tender_refund_fen: 50, policy: 'reduce_refund' })).toEqual({
      points_clawed: 250,
      refund_reduction_fen: 50,
    });
  });

  it("rounds the cash reduction up, in the merchant's favour", () => {
    const r = settleClawback({
      points_clawed: 7,
      points_returned: 0,
      points_balance: 0,
      tender_refund_fen: 1000,
      policy: 'reduce_refund',
      rate: { points_per_unit: 10, fen_per_unit: 1, max_share_bp: 5000 },
    });
    expect(r).toEqual({ points_clawed: 0, refund_reduction_fen: 1 });
  });
});
