import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import {
  availablePoints,
  isLive,
  type LotState,
  lotExpiry,
  spendPoints,
} from './points-lot.rules.ts';

const SH = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('lotExpiry', () => {
  it('never: no expiry', () => {
    expect(lotExpiry({ policy: 'never', months: null }, at('2026-03-15T10:00:00Z'), SH)).toBe(null);
  });

  it('N months after earning: usable through that local day, gone at the next local midnight', () => {
    // 2026-03-15 18:00 in Shanghai (10:00Z) + 6 months = 2026-09-15; expires 2026-09-16 00:00 +08
    const expiry = lotExpiry({ policy: 'months_after', months: 6 }, at('2026-03-15T10:00:00Z'), SH);
    expect(expiry?.toISOString()).toBe('2026-09-15T16:00:00.000Z');
  });

  it('counts the earning day in the merchant zone, not in UTC', () => {
    // 2026-03-15 17:00Z is already 2026-03-16 01:00 in Shanghai
    const expiry = lotExpiry({ policy: 'months_after', months: 1 }, at('2026-03-15T17:00:00Z'), SH);
    expect(expiry?.toISOString()).toBe('2026-04-16T16:00:00.000Z');
  });

  it('Jan 31 + 1 month is the last day of February', () => {
    const expiry = lotExpiry({ policy: 'months_after', months: 1 }, at('2026-01-31T04:00:00Z'), SH);
    // usable through 2026-02-28, gone at 2026-03-01 00:00 +08
    expect(expiry?.toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });

  it('end of the year after earning: usable through Dec 31 of next year', () => {
    const expiry = lotExpiry(
      { policy: 'year_end_after', months: null },
      at('2026-12-31T15:59:59Z'),
      SH,
    );
    expect(expiry?.toISOString()).toBe('2027-12-31T16:00:00.000Z');
    // one second later it is 2027 in Shanghai: the lot lives one more year
    const later = lotExpiry(
      { policy: 'year_end_after', months: null },
      at('2026-12-31T16:00:00Z'),
      SH,
    );
    expect(later?.toISOString()).toBe('2028-12-31T16:00:00.000Z');
  });

  it('a lot is live up to the instant before its expiry', () => {
    const lot = { id: 'a', remaining: 5, expires_at: at('2026-09-15T16:00:00Z') };
    expect(isLive(lot, at('2026-09-15T15:59:59Z'))).toBe(true);
    expect(isLive(lot, at('2026-09-15T16:00:00Z'))).toBe(false);
  });
});

describe('spendPoints', () => {
  const now = at('2026-06-01T00:00:00Z');
  const lots: LotState[] = [
    { id: '01', remaining: 30, expires_at: null },
    { id: '02', remaining: 50, expires_at: at('2026-12-31T16:00:00Z') },
    { id: '03', remaining: 20, expires_at: at('2026-07-01T16:00:00Z') },
    { id: '04', remaining: 40, expires_at: at('2026-05-01T16:00:00Z') }, // dead already
  ];

  it('takes the soonest expiry first, then never-expiring lots, then lot-less points', () => {
    // balance 150 = 140 in lots + 10 lot-less; 40 of it is dead
    const plan = spendPoints(150, lots, 105, now);
    expect(plan.uses).toEqual([
      { lot_id: '03', amount: 20 },
      { lot_id: '02', amount: 50 },
      { lot_id: '01', amount: 30 },
    ]);
    expect(plan.lotless).toBe(5);
    expect(plan.available).toBe(110);
  });

  it('refuses more than available with the available amount', () => {
    try {
      spendPoints(150, lots, 111, now);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('points.insufficient');
      expect((e as DomainError).params).toEqual({ available: 110 });
    }
  });

  const lotArb = fc.record({
    remaining: fc.integer({ min: 0, max: 500 }),
    expiresInDays: fc.option(fc.integer({ min: -30, max: 400 }), { nil: null }),
  });

  it('property: soonest-expiry first, never more than a lot holds, sums add up', () => {
    fc.assert(
      fc.property(
        fc.array(lotArb, { maxLength: 12 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 3000 }),
        (specs, lotless, amount) => {
          const state: LotState[] = specs.map((s, i) => ({
            id: String(i).padStart(3, '0'),
            remaining: s.remaining,
            expires_at:
              s.expiresInDays === null
                ? null
                : new Date(now.getTime() + s.expiresInDays * 86_400_000),
          }));
          const inLots = state.reduce((s, l) => s + l.remaining, 0);
          const balance = inLots + lotless;
          const available = availablePoints(balance, state, now);
          if (amount > available) {
            expect(() => spendPoints(balance, state, amount, now)).toThrow(DomainError);
            return;
          }
          const plan = spendPoints(balance, state, amount, now);
          const taken = new Map(plan.uses.map((u) => [u.lot_id, u.amount]));
          // what is taken adds up to the amount
          expect(plan.uses.reduce((s, u) => s + u.amount, 0) + plan.lotless).toBe(amount);
          expect(plan.lotless).toBeLessThanOrEqual(lotless);
          for (const lot of state) {
            const t = taken.get(lot.id) ?? 0;
            expect(t).toBeLessThanOrEqual(lot.remaining);
            if (!isLive(lot, now)) expect(t).toBe(0);
          }
          // if any point came from a lot, every live lot expiring strictly sooner is empty now
          for (const used of plan.uses) {
            const lot = state.find((l) => l.id === used.lot_id)!;
            const key = lot.expires_at?.getTime() ?? Number.POSITIVE_INFINITY;
            for (const other of state) {
              if (!isLive(other, now)) continue;
              const otherKey = other.expires_at?.getTime() ?? Number.POSITIVE_INFINITY;
              if (otherKey < key) expect(taken.get(other.id) ?? 0).toBe(other.remaining);
            }
          }
          // lot-less points are only used once every live lot is empty
          if (plan.lotless > 0)
            for (const lot of state.filter((l) => isLive(l, now)))
              expect(taken.get(lot.id) ?? 0).toBe(lot.remaining);
          // after the spend, lots (+ the lot-less part) still sum to the balance
          const lotsAfter = inLots - (amount - plan.lotless);
          expect(lotsAfter + (lotless - plan.lotless)).toBe(balance - amount);
        },
      ),
      { numRuns: 500 },
    );
  });
});
