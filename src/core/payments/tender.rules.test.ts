import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import { allocateRefund, checkTenders } from './tender.rules.ts';

describe('tender rules', () => {
  it('tenders must add up to the price', () => {
    checkTenders(
      [
        { method: 'cash', amount_fen: 4000 },
        { method: 'wechat_pay', amount_fen: 6000 },
      ],
      10000,
      'recharge.tenders_mismatch',
    );
    const wrong = () =>
      checkTenders([{ method: 'cash', amount_fen: 9999 }], 10000, 'recharge.tenders_mismatch');
    expect(wrong).toThrow(DomainError);
    try {
      wrong();
    } catch (e) {
      expect((e as DomainError).field).toBe('tenders');
      expect((e as DomainError).params).toEqual({ expected_fen: 10000, tendered_fen: 9999 });
    }
    expect(() => checkTenders([], 1, 'recharge.tenders_mismatch')).toThrow(DomainError);
  });

  it('property: a refund is split over the tenders, last first, each at most what it paid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (amounts, r) => {
          const charges = amounts.map((amount_fen, i) => ({ id: `t${i}`, amount_fen }));
          const total = amounts.reduce((a, b) => a + b, 0);
          const refund = r % (total + 1);
          const parts = allocateRefund(charges, refund);
          expect(parts.reduce((n, p) => n + p.amount_fen, 0)).toBe(refund);
          for (const p of parts) expect(p.amount_fen).toBeLessThanOrEqual(p.charge.amount_fen);
          // last tender first: every tender touched but the final one is paid back whole
          for (const p of parts.slice(0, -1)) expect(p.amount_fen).toBe(p.charge.amount_fen);
          expect(parts.map((p) => p.charge.id)).toEqual(
            charges
              .slice(charges.length - parts.length)
              .map((c) => c.id)
              .reverse(),
          );
        },
      ),
    );
  });
});
