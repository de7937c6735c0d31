import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import {
  bonusSchedule,
  evenInstalments,
  type PlanInput,
  rechargeRefund,
  validatePlan,
} from './recharge.rules.ts';
import type { PartState } from './wallet.rules.ts';

const refusal = (input: PlanInput) => {
  try {
    validatePlan(input);
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, field: e.field };
    throw e;
  }
  return undefined;
};

describe('validatePlan', () => {
  it('refuses numbers that make no sense, naming the field', () => {
    expect(refusal({ name: 'x', price_fen: -100 })).toEqual({
      code: 'recharge.amount_invalid',
      field: 'price_fen',
    });
    expect(refusal({ name: 'x', price_fen: 10000, bonus_fen: -1 })).toEqual({
      code: 'recharge.amount_invalid',
      field: 'bonus_fen',
    });
    expect(refusal({ name: 'x', price_fen: 10.5 })).toMatchObject({ field: 'price_fen' });
    expect(
      refusal({
        name: 'x',
        price_fen: 10000,
        bonus_fen: 10000,
        bonus_mode: 'monthly',
        bonus_instalments_fen: [2000, 2000, 2000, 2000],
      }),
    ).toEqual({ code: 'recharge.instalments_mismatch', field: 'bonus_instalments_fen' });
    expect(
      refusal({
        name: 'x',
        price_fen: 10000,
        bonus_fen: 0,
        bonus_mode: 'monthly',
        bonus_instalments_fen: [100, -100],
      }),
    ).toEqual({ code: 'recharge.amount_invalid', field: 'bonus_instalments_fen.1' });
    expect(
      refusal({ name: 'x', price_fen: 100, bonus_fen: 100, bonus_instalments_fen: [100] }),
    ).toEqual({ code: 'recharge.instalments_invalid', field: 'bonus_instalments_fen' });
    expect(
      refusal({ name: 'x', price_fen: 100, bonus_mode: 'monthly', bonus_instalments_fen: [] }),
    ).toEqual({ code: 'recharge.instalments_invalid', field: 'bonus_instalments_fen' });
    expect(
      refusal({ name: 'x', price_fen: 100, coupon_pack: [{ name: 'c', face_value_fen: 0 }] }),
    ).toEqual({ code: 'recharge.coupon_pack_invalid', field: 'coupon_pack.0.face_value_fen' });
    expect(refusal({ name: '  ', price_fen: 100 })).toEqual({
      code: 'recharge.plan_invalid',
      field: 'name',
    });
  });

  it('accepts S9: pay 100 get 100 in five monthly parts, and the gift pack', () => {
    expect(
      validatePlan({
        name: '充100送100',
        price_fen: 10000,
        bonus_fen: 10000,
        bonus_mode: 'monthly',
        bonus_instalments_fen: [2000, 2000, 2000, 2000, 2000],
      }),
    ).toMatchObject({ bonus_mode: 'monthly', instalment_start: 'next_month', refundable: true });
    const pack = validatePlan({
      name: '充100得200',
      price_fen: 10000,
      bonus_fen: 5000,
      coupon_pack: [{ name: '满100减50', face_value_fen: 5000, threshold_fen: 10000, quantity: 3 }],
    });
    expect(pack.coupon_pack).toEqual([
      {
        template_id: null,
        name: '满100减50',
        face_value_fen: 5000,
        threshold_fen: 10000,
        quantity: 3,
      },
    ]);
  });
});

describe('bonusSchedule', () => {
  const s9 = {
    bonus_fen: 10000,
    bonus_mode: 'monthly' as const,
    bonus_instalments_fen: [2000, 2000, 2000, 2000, 2000],
    instalment_start: 'next_month' as const,
  };

  it('S9: released on the 1st of each of the next 5 months at local midnight, each for its month', () => {
    const parts = bonusSchedule(s9, new Date('2026-12-15T10:00:00+08:00'), 'Asia/Shanghai');
    expect(parts.map((p) => [p.available_from.toISOString(), p.expires_at?.toISOString()])).toEqual(
      [
        ['2026-12-31T16:00:00.000Z', '2027-01-31T16:00:00.000Z'],
        ['2027-01-31T16:00:00.000Z', '2027-02-28T16:00:00.000Z'],
        ['2027-02-28T16:00:00.000Z', '2027-03-31T16:00:00.000Z'],
        ['2027-03-31T16:00:00.000Z', '2027-04-30T16:00:00.000Z'],
        ['2027-04-30T16:00:00.000Z', '2027-05-31T16:00:00.000Z'],
      ],
    );
  });

  it('the month is the merchant’s: 23:30 UTC on Dec 31 is already January in Shanghai', () => {
    const now = new Date('2026-12-31T23:30:00Z');
    const shanghai = bonusSchedule(s9, now, 'Asia/Shanghai');
    const london = bonusSchedule(s9, now, 'Europe/London');
    expect(shanghai[0]!.available_from.toISOString()).toBe('2027-01-31T16:00:00.000Z');
    expect(london[0]!.available_from.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('this-month start opens the first part at once; immediate bonus never expires', () => {
    const now = new Date('2027-01-20T09:00:00+08:00');
    const parts = bonusSchedule({ ...s9, instalment_start: 'this_month' }, now, 'Asia/Shanghai');
    expect(parts[0]!.available_from).toEqual(now);
    expect(parts[0]!.expires_at!.toISOString()).toBe('2027-01-31T16:00:00.000Z');
    expect(
      bonusSchedule(
        {
          bonus_fen: 500,
          bonus_mode: 'immediate',
          bonus_instalments_fen: [],
          instalment_start: 'next_month',
        },
        now,
        'Asia/Shanghai',
      ),
    ).toEqual([{ seq: 0, amount_fen: 500, available_from: now, expires_at: null }]);
  });

  it('property: parts sum to the bonus and tile consecutive months without gaps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 36 }),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'UTC'),
        (bonus, n, now, zone) => {
          const count = Math.min(n, bonus);
          const instalments = evenInstalments(bonus, count);
          expect(instalments.reduce((a, b) => a + b, 0)).toBe(bonus);
          expect(Math.max(...instalments) - Math.min(...instalments)).toBeLessThanOrEqual(1);
          const parts = bonusSchedule(
            {
              bonus_fen: bonus,
              bonus_mode: 'monthly',
              bonus_instalments_fen: instalments,
              instalment_start: 'next_month',
            },
            now,
            zone,
          );
          expect(parts.reduce((a, p) => a + p.amount_fen, 0)).toBe(bonus);
          expect(parts[0]!.available_from.getTime()).toBeGreaterThan(now.getTime());
          parts.forEach((p, i) => {
            expect(p.expires_at!.getTime()).toBeGreaterThan(p.available_from.getTime());
            if (i > 0) expect(p.available_from).toEqual(parts[i - 1]!.expires_at);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('rechargeRefund', () => {
  const p = (over: Partial<PartState>): PartState => ({
    id: 'x',
    amount_fen: 2000,
    remaining_fen: 2000,
    closed_fen: 0,
    available_from: new Date(0),
    expires_at: null,
    status: 'released',
    ...over,
  });

  it('principal back less the bonus already spent; remaining bonus forfeited; future cancelled', () => {
    const refund = rechargeRefund({
      price_fen: 10000,
      principal_balance_fen: 10000,
      parts: [
        p({ status: 'expired', remaining_fen: 0, closed_fen: 500 }), // spent 1500, 500 expired
        p({ remaining_fen: 1200 }), // spent 800
        p({ status: 'pending' }),
        p({ status: 'pending' }),
      ],
    });
    expect(refund).toEqual({
      refund_fen: 10000 - 2300,
      principal_debit_fen: 10000,
      bonus_spent_fen: 2300,
      bonus_forfeit_fen: 1200,
      bonus_cancelled_fen: 4000,
    });
  });

  it('only the principal left comes back, and never less than nothing', () => {
    expect(
      rechargeRefund({
        price_fen: 10000,
        principal_balance_fen: 3000,
        parts: [p({ remaining_fen: 0 })],
      }),
    ).toMatchObject({ refund_fen: 1000, principal_debit_fen: 3000, bonus_spent_fen: 2000 });
    expect(
      rechargeRefund({
        price_fen: 10000,
        principal_balance_fen: 500,
        parts: [p({ remaining_fen: 0 })],
      }),
    ).toMatchObject({ refund_fen: 0, principal_debit_fen: 500 });
  });

  it('property: 0 <= refund <= principal debit <= min(price, balance)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.nat(), fc.nat()), { maxLength: 6 }),
        (price, balance, raw) => {
          const parts = raw.map(([amount, a, b]) => {
            const remaining = a % (amount + 1);
            return p({
              amount_fen: amount,
              remaining_fen: remaining,
              closed_fen: b % (amount - remaining + 1),
            });
          });
          const r = rechargeRefund({ price_fen: price, principal_balance_fen: balance, parts });
          expect(r.refund_fen).toBeGreaterThanOrEqual(0);
          expect(r.refund_fen).toBeLessThanOrEqual(r.principal_debit_fen);
          expect(r.principal_debit_fen).toBe(Math.min(price, balance));
          expect(r.refund_fen).toBe(Math.max(0, r.principal_debit_fen - r.bonus_spent_fen));
        },
      ),
    );
  });
});
