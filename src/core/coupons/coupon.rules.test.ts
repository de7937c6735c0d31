import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCoupons, couponDiscount, couponWindow, type HeldCoupon } from './coupon.rules.ts';
import type { CouponTemplate } from './coupon.schema.ts';
import { coupon, line, manjian, NOW, NY, order, SH, template } from './coupon-fixture.ts';

describe('couponDiscount thresholds and caps', () => {
  it('spend 100 save 20: at the threshold it applies, one fen below it names the missing fen', () => {
    expect(couponDiscount(manjian, coupon('c'), order([line('a', 10_000)]), NOW, SH)).toMatchObject(
      {
        ok: true,
        discount_fen: 2000,
      },
    );
    expect(couponDiscount(manjian, coupon('c'), order([line('a', 9999)]), NOW, SH)).toEqual({
      ok: false,
      code: 'coupon.below_threshold',
      params: { threshold_fen: 10_000, missing_fen: 1 },
    });
  });

  it('percent off: rounded down, capped, threshold inclusive (九折 = 1000 bp off)', () => {
    const t = template({
      kind: 'percent_off',
      discount_bp: 1000,
      cap_fen: 500,
      threshold_fen: 3000,
    });
    const at = (fen: number) => couponDiscount(t, coupon('c'), order([line('a', fen)]), NOW, SH);
    expect(at(2999)).toMatchObject({
      ok: false,
      code: 'coupon.below_threshold',
      params: { missing_fen: 1 },
    });
    expect(at(3009)).toMatchObject({ ok: true, discount_fen: 300 });
    expect(at(5000)).toMatchObject({ ok: true, discount_fen: 500 });
    expect(at(5019)).toMatchObject({ ok: true, discount_fen: 500 });
  });

  it('property: a discount never exceeds the eligible amount nor any line, and its shares add up', () => {
    const benefit = fc.oneof(
      fc.record({
        kind: fc.constant('threshold_off' as const),
        threshold_fen: fc.integer({ min: 1, max: 20_000 }),
        off_fen: fc.integer({ min: 1, max: 20_000 }),
      }),
      fc.record({
        kind: fc.constant('cash_voucher' as const),
        value_fen: fc.integer({ min: 1, max: 50_000 }),
      }),
      fc.record({
        kind: fc.constant('percent_off' as const),
        discount_bp: fc.integer({ min: 1, max: 9999 }),
        cap_fen: fc.option(fc.integer({ min: 1, max: 9000 }), { nil: null }),
        threshold_fen: fc.integer({ min: 0, max: 9000 }),
      }),
    );
    const amounts = fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(benefit, amounts, (b, fens) => {
        const lines = fens.map((f, i) => line(`l${i}`, f));
        const r = couponDiscount(template(b), coupon('c'), order(lines), NOW, SH);
        const total = fens.reduce((s, f) => s + f, 0);
        const threshold = b.kind === 'cash_voucher' ? 0 : b.threshold_fen;
        if (total < threshold) {
          expect(r).toMatchObject({
            code: 'coupon.below_threshold',
            params: { missing_fen: threshold - total },
          });
          return;
        }
        if (!r.ok) throw new Error(r.code);
        expect(r.discount_fen).toBeLessThanOrEqual(total);
        expect(r.lines.reduce((s, l) => s + l.discount_fen, 0)).toBe(r.discount_fen);
        for (const d of r.lines)
          expect(d.discount_fen).toBeLessThanOrEqual(
            lines.find((l) => l.line_id === d.line_id)!.amount_fen,
          );
      }),
    );
  });
});

describe('couponDiscount windows', () => {
  it('N days after claim ends at local midnight after day N, in Shanghai and New York', () => {
    const claimed = new Date('2027-03-10T23:30:00+08:00');
    expect(couponWindow({ mode: 'days_after_claim', days: 1 }, claimed, SH).valid_until).toEqual(
      new Date('2027-03-11T00:00:00+08:00'),
    );
    // New York: claimed the evening before the spring-forward day; midnight there is -05:00 then -04:00
    const ny = new Date('2027-03-13T23:59:00-05:00');
    expect(couponWindow({ mode: 'days_after_claim', days: 2 }, ny, NY).valid_until).toEqual(
      new Date('2027-03-15T00:00:00-04:00'),
    );
  });

  it('the last millisecond before midnight is valid, midnight itself is expired', () => {
    const w = couponWindow({ mode: 'fixed', from: '2027-01-01', to: '2027-01-31' }, NOW, NY);
    const c = coupon('c', w);
    const o = order([line('a', 20_000)]);
    const before = new Date(w.valid_until.getTime() - 1);
    expect(couponDiscount(manjian, c, o, before, NY).ok).toBe(true);
    expect(couponDiscount(manjian, c, o, w.valid_until, NY)).toMatchObject({
      code: 'coupon.expired',
    });
    expect(couponDiscount(manjian, c, o, new Date(w.valid_from.getTime() - 1), NY)).toMatchObject({
      code: 'coupon.not_yet_valid',
    });
    expect(w.valid_from).toEqual(new Date('2027-01-01T00:00:00-05:00'));
  });

  it('property: validity by days always ends on a local midnight after the claim', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(SH, NY),
        (at, days, zone) => {
          const { valid_until } = couponWindow({ mode: 'days_after_claim', days }, at, zone);
          const local = new Intl.DateTimeFormat('en-GB', {
            timeZone: zone,
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          }).format(valid_until);
          expect(local).toBe('00:00');
          const hours = (valid_until.getTime() - at.getTime()) / 3_600_000;
          expect(hours).toBeGreaterThan((days - 1) * 24 - 2);
          expect(hours).toBeLessThanOrEqual(days * 24 + 1);
        },
      ),
    );
  });

  it("weekday and hours are the merchant zone's: 09:00–11:00 on weekdays", () => {
    const t = template(
      { kind: 'cash_voucher', value_fen: 500 },
      { usable_weekdays: [1, 2, 3, 4, 5], usable_hours: { from: '09:00', to: '11:00' } },
    );
    const o = order([line('a', 1000)]);
    const at = (iso: string, zone = SH) => couponDiscount(t, coupon('c'), o, new Date(iso), zone);
    expect(at('2027-06-02T09:00:00+08:00').ok).toBe(true);
    expect(at('2027-06-02T10:59:59+08:00').ok).toBe(true);
    expect(at('2027-06-02T11:00:00+08:00')).toMatchObject({ code: 'coupon.outside_hours' });
    expect(at('2027-06-02T08:59:59+08:00')).toMatchObject({ code: 'coupon.outside_hours' });
    expect(at('2027-06-05T10:00:00+08:00')).toMatchObject({ code: 'coupon.outside_hours' }); // Saturday
    // 10:00 Wednesday in New York is 22:00 Wednesday in Shanghai
    expect(at('2027-06-02T10:00:00-04:00', NY).ok).toBe(true);
    expect(at('2027-06-02T10:00:00-04:00', SH)).toMatchObject({ code: 'coupon.outside_hours' });
  });
});

describe('couponDiscount scope, state and free units', () => {
  it('refuses another store, no covered line, another member, a used coupon', () => {
    const t = template(
      { kind: 'cash_voucher', value_fen: 500 },
      { scope: { store_ids: ['s2'], category_codes: null, sku_ids: null, min_spend_fen: 0 } },
    );
    expect(couponDiscount(t, coupon('c'), order([line('a', 1000)]), NOW, SH)).toMatchObject({
      code: 'coupon.wrong_store',
    });
    const cat = template(
      { kind: 'cash_voucher', value_fen: 500 },
      { scope: { store_ids: null, category_codes: ['gold'], sku_ids: null, min_spend_fen: 0 } },
    );
    expect(couponDiscount(cat, coupon('c'), order([line('a', 1000)]), NOW, SH)).toMatchObject({
      code: 'coupon.wrong_category',
    });
    expect(
      couponDiscount(manjian, coupon('c', { member_id: 'x' }), order([line('a', 10_000)]), NOW, SH),
    ).toMatchObject({ code: 'coupon.wrong_member' });
    expect(
      couponDiscount(
        manjian,
        coupon('c', { status: 'redeemed' }),
        order([line('a', 10_000)]),
        NOW,
        SH,
      ),
    ).toMatchObject({ code: 'coupon.already_redeemed' });
  });

  it('a category-scoped coupon only counts and discounts its category', () => {
    const t = template(
      { kind: 'threshold_off', threshold_fen: 5000, off_fen: 1000 },
      { scope: { store_ids: null, category_codes: ['cake'], sku_ids: null, min_spend_fen: 0 } },
    );
    const lines = [line('a', 4000, { category: 'cake' }), line('b', 9000)];
    expect(couponDiscount(t, coupon('c'), order(lines), NOW, SH)).toMatchObject({
      code: 'coupon.below_threshold',
      params: { missing_fen: 1000 },
    });
    lines[0] = line('a', 5000, { category: 'cake' });
    expect(couponDiscount(t, coupon('c'), order(lines), NOW, SH)).toEqual({
      ok: true,
      discount_fen: 1000,
      lines: [{ line_id: 'a', discount_fen: 1000 }],
    });
  });

  it('free item: the cheapest eligible unit is free, up to its max value', () => {
    const t = template({
      kind: 'free_item',
      items: { sku_ids: null, category_codes: ['drink'] },
      max_value_fen: 1500,
    });
    const lines = [
      line('a', 3000, { category: 'drink', quantity: 2 }),
      line('b', 1200, { category: 'drink' }),
      line('c', 100),
    ];
    expect(couponDiscount(t, coupon('c'), order(lines), NOW, SH)).toEqual({
      ok: true,
      discount_fen: 1200,
      lines: [{ line_id: 'b', discount_fen: 1200 }],
    });
    const capped = template({
      kind: 'free_item',
      items: { sku_ids: null, category_codes: ['drink'] },
      max_value_fen: 1000,
    });
    expect(couponDiscount(capped, coupon('c'), order(lines), NOW, SH)).toMatchObject({
      discount_fen: 1000,
    });
    const card = template({
      kind: 'count_card',
      items: { sku_ids: null, category_codes: ['drink'] },
      uses: 10,
    });
    expect(
      couponDiscount(card, coupon('c', { uses_left: 0 }), order(lines), NOW, SH),
    ).toMatchObject({ code: 'coupon.used_up' });
  });
});

describe('applyCoupons', () => {
  const stack = (
    t: CouponTemplate,
    kinds: CouponTemplate['benefit']['kind'][],
  ): CouponTemplate => ({ ...t, stacking: { mode: 'stackable', with_kinds: kinds } });
  const voucher = template({ kind: 'cash_voucher', value_fen: 1000 });

  it('applies in stacking order; the threshold is checked after the coupons before it', () => {
    const free = stack(
      template({
        kind: 'free_item',
        items: { sku_ids: null, category_codes: null },
        max_value_fen: null,
      }),
      ['threshold_off'],
    );
    const held: HeldCoupon[] = [
      { template: stack(manjian, ['free_item']), coupon: coupon('m') },
      { template: free, coupon: coupon('f') },
    ];
    // 100.00 + 5.00: the free 5.00 unit goes first, leaving 100.00, which still reaches 满100
    const r = applyCoupons(held, order([line('a', 10_000), line('b', 500)]), NOW, SH);
    expect(r.outcomes.map((o) => [o.coupon_id, o.ok])).toEqual([
      ['f', true],
      ['m', true],
    ]);
    expect(r.discount_fen).toBe(2500);
    const short = applyCoupons(held, order([line('a', 9999), line('b', 500)]), NOW, SH);
    expect(short.outcomes[1]).toMatchObject({
      ok: false,
      code: 'coupon.below_threshold',
      params: { missing_fen: 1 },
    });
  });

  it('exclusive or not listed: refused naming the coupon already applied; the same coupon twice once', () => {
    const held: HeldCoupon[] = [
      { template: manjian, coupon: coupon('m') },
      { template: stack(voucher, ['threshold_off']), coupon: coupon('v') },
    ];
    const r = applyCoupons(held, order([line('a', 20_000)]), NOW, SH);
    expect(r.outcomes[1]).toMatchObject({
      ok: false,
      code: 'coupon.not_stackable_with',
      params: { coupon_id: 'm', kind: 'threshold_off' },
    });
    const self = stack(voucher, ['cash_voucher']);
    const twice = applyCoupons(
      [
        { template: self, coupon: coupon('v') },
        { template: self, coupon: coupon('v') },
      ],
      order([line('a', 20_000)]),
      NOW,
      SH,
    );
    expect(twice.discount_fen).toBe(1000);
  });

  it('property: lines never go below 0 and the discount adds up', () => {
    const self = stack(voucher, ['cash_voucher', 'percent_off']);
    const pct = stack(
      template({ kind: 'percent_off', discount_bp: 3000, cap_fen: null, threshold_fen: 0 }),
      ['cash_voucher', 'percent_off'],
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 4 }),
        (fens, n) => {
          const held = Array.from({ length: n }, (_, i) => ({
            template: i % 2 ? pct : self,
            coupon: coupon(`c${i}`),
          }));
          const r = applyCoupons(held, order(fens.map((f, i) => line(`l${i}`, f))), NOW, SH);
          r.lines.forEach((l, i) => {
            expect(l.amount_fen).toBeGreaterThanOrEqual(0);
            expect(fens[i]! - l.amount_fen).toBeGreaterThanOrEqual(0);
          });
          expect(
            fens.reduce((s, f) => s + f, 0) - r.lines.reduce((s, l) => s + l.amount_fen, 0),
          ).toBe(r.discount_fen);
        },
      ),
    );
  });
});
