import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { couponDiscount, couponWindow, validateTemplate } from './coupon.rules.ts';
import { coupon, line, manjian, NOW, NY, order, SH, template } from './coupon-fixture.ts';

describe('edges as properties', () => {
  it('every threshold: reached at exactly T, one fen short names 1 fen missing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 4 }),
        (t, n) => {
          const tpl = template({
            kind: 'threshold_off',
            threshold_fen: t,
            off_fen: Math.ceil(t / 2),
          });
          const split = (total: number) =>
            order(
              Array.from({ length: n }, (_, i) =>
                line(`l${i}`, Math.floor(total / n) + (i < total % n ? 1 : 0)),
              ),
            );
          expect(couponDiscount(tpl, coupon('c'), split(t), NOW, SH)).toMatchObject({
            ok: true,
            discount_fen: Math.ceil(t / 2),
          });
          expect(couponDiscount(tpl, coupon('c'), split(t - 1), NOW, SH)).toMatchObject({
            ok: false,
            params: { missing_fen: 1 },
          });
        },
      ),
    );
  });

  it('every cap: percent off is min(floor(amount × bp), cap)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (bp, cap, fen) => {
          const tpl = template({
            kind: 'percent_off',
            discount_bp: bp,
            cap_fen: cap,
            threshold_fen: 0,
          });
          const r = couponDiscount(tpl, coupon('c'), order([line('a', fen)]), NOW, SH);
          expect(r).toMatchObject({
            ok: true,
            discount_fen: Math.min(cap, Math.floor((fen * bp) / 10_000)),
          });
        },
      ),
    );
  });

  it('every local midnight: usable one millisecond before valid_until, expired at it', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(SH, NY),
        (claimed, days, zone) => {
          const c = coupon('c', couponWindow({ mode: 'days_after_claim', days }, claimed, zone));
          const o = order([line('a', 20_000)]);
          expect(
            couponDiscount(manjian, c, o, new Date(c.valid_until.getTime() - 1), zone).ok,
          ).toBe(true);
          expect(couponDiscount(manjian, c, o, c.valid_until, zone)).toMatchObject({
            code: 'coupon.expired',
          });
          expect(couponDiscount(manjian, c, o, claimed, zone).ok).toBe(true);
        },
      ),
    );
  });

  it('the free unit is never dearer than any covered unit', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ fen: fc.integer({ min: 0, max: 9999 }), q: fc.integer({ min: 1, max: 4 }) }),
          { minLength: 1, maxLength: 6 },
        ),
        (ls) => {
          const tpl = template({
            kind: 'free_item',
            items: { sku_ids: null, category_codes: null },
            max_value_fen: null,
          });
          const lines = ls.map((l, i) => line(`l${i}`, l.fen * l.q, { quantity: l.q }));
          const r = couponDiscount(tpl, coupon('c'), order(lines), NOW, SH);
          if (!r.ok) throw new Error(r.code);
          expect(r.discount_fen).toBe(Math.min(...ls.map((l) => l.fen)));
        },
      ),
    );
  });

  it('validateTemplate refuses a window ending before it starts and hours out of order', () => {
    const t = template({ kind: 'cash_voucher', value_fen: 100 });
    expect(() =>
      validateTemplate({ ...t, validity: { mode: 'fixed', from: '2027-02-01', to: '2027-01-31' } }),
    ).toThrow();
    expect(() =>
      validateTemplate({ ...t, usable_hours: { from: '11:00', to: '09:00' } }),
    ).toThrow();
    expect(validateTemplate(t)).toBe(t);
  });
});
