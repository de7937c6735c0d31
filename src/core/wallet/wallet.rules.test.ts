import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateBonus,
  dueTransitions,
  type PartState,
  partWindow,
  settleParts,
  spendableBonus,
  splitPayment,
} from './wallet.rules.ts';
import type { SpendingOrder } from './wallet.table.ts';

const at = (iso: string) => new Date(iso);
const part = (over: Partial<PartState> & { id: string }): PartState => ({
  amount_fen: 2000,
  remaining_fen: 2000,
  closed_fen: 0,
  available_from: at('2027-01-01T00:00:00+08:00'),
  expires_at: at('2027-02-01T00:00:00+08:00'),
  status: 'released',
  ...over,
});

describe('splitPayment', () => {
  it('proportional: bonus share rounded down, the odd fen from principal', () => {
    expect(splitPayment(100, { principal_fen: 200, bonus_fen: 100 }, 'proportional')).toEqual({
      ok: true,
      principal_fen: 67,
      bonus_fen: 33,
    });
    expect(splitPayment(1, { principal_fen: 1, bonus_fen: 1 }, 'proportional')).toEqual({
      ok: true,
      principal_fen: 1,
      bonus_fen: 0,
    });
  });

  it('bonus-first and principal-first', () => {
    const wallet = { principal_fen: 500, bonus_fen: 300 };
    expect(splitPayment(400, wallet, 'bonus_first')).toMatchObject({
      principal_fen: 100,
      bonus_fen: 300,
    });
    expect(splitPayment(400, wallet, 'principal_first')).toMatchObject({
      principal_fen: 400,
      bonus_fen: 0,
    });
    expect(splitPayment(700, wallet, 'principal_first')).toMatchObject({
      principal_fen: 500,
      bonus_fen: 200,
    });
  });

  it('more than available is refused with the available amount', () => {
    expect(splitPayment(801, { principal_fen: 500, bonus_fen: 300 }, 'proportional')).toEqual({
      ok: false,
      available_fen: 800,
    });
    expect(splitPayment(1, { principal_fen: 0, bonus_fen: 0 }, 'bonus_first')).toEqual({
      ok: false,
      available_fen: 0,
    });
  });

  it('property: parts sum to the amount, never exceed a balance, rounding favours the merchant', () => {
    const order = fc.constantFrom<SpendingOrder>('proportional', 'bonus_first', 'principal_first');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 1, max: 200_000_000 }),
        order,
        (p, b, amount, o) => {
          const split = splitPayment(amount, { principal_fen: p, bonus_fen: b }, o);
          if (amount > p + b) {
            expect(split).toEqual({ ok: false, available_fen: p + b });
            return;
          }
          if (!split.ok) throw new Error('refused a payment within the balance');
          expect(split.principal_fen + split.bonus_fen).toBe(amount);
          expect(split.principal_fen).toBeGreaterThanOrEqual(0);
          expect(split.bonus_fen).toBeGreaterThanOrEqual(0);
          expect(split.principal_fen).toBeLessThanOrEqual(p);
          expect(split.bonus_fen).toBeLessThanOrEqual(b);
          if (o === 'proportional') {
            // exact share is amount*b/(p+b); bonus is its floor: never more bonus than the share
            expect(split.bonus_fen * (p + b)).toBeLessThanOrEqual(amount * b);
            expect((split.bonus_fen + 1) * (p + b)).toBeGreaterThan(amount * b);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: proportional is exact for balances up to the largest safe integer (amount = principal + bonus)', () => {
    const fen = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(fen, fen, fc.integer({ min: 1, max: 1_000_000_000 }), (p, rawB, paid) => {
        const b = Math.min(rawB, Number.MAX_SAFE_INTEGER - p); // a wallet's sum is safe too
        fc.pre(p + b > 0);
        // the whole balance, and then a smaller payment out of it
        for (const amount of [p + b, Math.min(paid, p + b)]) {
          const split = splitPayment(amount, { principal_fen: p, bonus_fen: b }, 'proportional');
          if (!split.ok) throw new Error('refused a payment within the balance');
          expect(split.principal_fen + split.bonus_fen).toBe(amount);
          expect(split.principal_fen).toBeLessThanOrEqual(p);
          expect(split.bonus_fen).toBeLessThanOrEqual(b);
          const share = (BigInt(amount) * BigInt(b)) / (BigInt(p) + BigInt(b));
          expect(BigInt(split.bonus_fen)).toBe(share);
        }
        // paying it all takes each balance exactly
        const all = splitPayment(p + b, { principal_fen: p, bonus_fen: b }, 'proportional');
        expect(all).toEqual({ ok: true, principal_fen: p, bonus_fen: b });
      }),
      { numRuns: 2000 },
    );
  });

  it('the old double arithmetic was off at the top of the range', () => {
    const [p, b, amount] = [2603640955365337, 4253157839889494, 6172518553433503];
    // what float math gave: one fen of bonus more than the exact share
    expect(Math.floor((amount * b) / (p + b))).toBe(3828710227805859);
    expect(splitPayment(amount, { principal_fen: p, bonus_fen: b }, 'proportional')).toEqual({
      ok: true,
      principal_fen: amount - 3828710227805858,
      bonus_fen: 3828710227805858,
    });
  });
});

describe('bonus part windows (S9)', () => {
  const jan = part({ id: 'jan' });

  it('spendable on the last second of its month, gone at midnight, job or no job', () => {
    expect(partWindow(jan, at('2027-01-31T23:59:59+08:00'))).toBe('spendable');
    expect(partWindow(jan, at('2027-02-01T00:00:00+08:00'))).toBe('expired');
    expect(partWindow(jan, at('2026-12-31T23:59:59+08:00'))).toBe('pending');
    expect(partWindow({ ...jan, status: 'pending' }, at('2027-01-01T00:00:00+08:00'))).toBe(
      'spendable',
    );
    expect(partWindow({ ...jan, remaining_fen: 0 }, at('2027-01-15T00:00:00+08:00'))).toBe(
      'used_up',
    );
  });

  it('due transitions: release at the open, expire at the close, lapse if never released', () => {
    const feb = part({
      id: 'feb',
      status: 'pending',
      available_from: at('2027-02-01T00:00:00+08:00'),
      expires_at: at('2027-03-01T00:00:00+08:00'),
    });
    const lapsed = { ...jan, id: 'lapsed', status: 'pending' as const };
    const due = dueTransitions([jan, feb, lapsed], at('2027-02-01T00:00:00+08:00'));
    expect(due.expire.map((p) => p.id)).toEqual(['jan']);
    expect(due.release.map((p) => p.id)).toEqual(['feb']);
    expect(due.lapse.map((p) => p.id)).toEqual(['lapsed']);
    // after settling, nothing is due any more (the jobs are idempotent by construction)
    const settled = settleParts([jan, feb, lapsed], at('2027-02-01T00:00:00+08:00'));
    const again = dueTransitions(settled, at('2027-02-01T00:00:00+08:00'));
    expect(again.release.length + again.expire.length + again.lapse.length).toBe(0);
    expect(settled.find((p) => p.id === 'jan')).toMatchObject({
      status: 'expired',
      remaining_fen: 0,
      closed_fen: 2000,
    });
  });

  it('spending order: expiring parts soonest first, then free bonus, then lasting parts', () => {
    const now = at('2027-01-10T12:00:00+08:00');
    const lasting = part({ id: 'lasting', expires_at: null, available_from: at('2026-06-01') });
    const janB = part({ id: 'jan-b', remaining_fen: 500 });
    const later = part({
      id: 'long',
      expires_at: at('2027-06-01T00:00:00+08:00'),
      available_from: at('2026-12-01T00:00:00+08:00'),
    });
    const spendable = spendableBonus(2000 + 500 + 2000 + 700, [lasting, later, janB], now);
    expect(spendable.expiring.map((u) => u.part_id)).toEqual(['jan-b', 'long']);
    expect(spendable.free_fen).toBe(700);
    expect(spendable.total_fen).toBe(5200);
    expect(allocateBonus(3000, spendable)).toEqual({
      uses: [
        { part_id: 'jan-b', amount_fen: 500 },
        { part_id: 'long', amount_fen: 2000 },
      ],
      free_fen: 500,
    });
    expect(allocateBonus(5000, spendable).uses.at(-1)).toEqual({
      part_id: 'lasting',
      amount_fen: 1800,
    });
  });

  it('a part past its window is not spendable even while its bonus is still in the ledger', () => {
    const s = spendableBonus(2000, [jan], at('2027-02-01T00:00:00+08:00'));
    expect(s.total_fen).toBe(0);
    expect(s.free_fen).toBe(0);
  });

  it('property: allocation takes exactly the amount, within each part, expiring first', () => {
    const partArb = fc.record({
      remaining_fen: fc.integer({ min: 0, max: 5000 }),
      expires: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
      opened: fc.integer({ min: -12, max: 0 }),
    });
    fc.assert(
      fc.property(
        fc.array(partArb, { maxLength: 8 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 40_000 }),
        (raw, free, want) => {
          const now = at('2027-01-15T00:00:00Z');
          const month = 30 * 86_400_000;
          const parts = raw.map((r, i) =>
            part({
              id: `p${i}`,
              amount_fen: Math.max(1, r.remaining_fen),
              remaining_fen: r.remaining_fen,
              available_from: new Date(now.getTime() + r.opened * month),
              expires_at: r.expires === null ? null : new Date(now.getTime() + r.expires * month),
            }),
          );
          const ledger = parts.reduce((n, p) => n + p.remaining_fen, 0) + free;
          const spendable = spendableBonus(ledger, parts, now);
          expect(spendable.total_fen).toBe(ledger);
          const amount = Math.min(want, spendable.total_fen);
          const { uses, free_fen } = allocateBonus(amount, spendable);
          expect(uses.reduce((n, u) => n + u.amount_fen, 0) + free_fen).toBe(amount);
          for (const u of uses) {
            const p = parts.find((x) => x.id === u.part_id)!;
            expect(u.amount_fen).toBeGreaterThan(0);
            expect(u.amount_fen).toBeLessThanOrEqual(p.remaining_fen);
          }
          // a non-expiring part or free bonus is touched only once every expiring part is empty
          const expiringLeft = spendable.expiring.reduce((n, e) => {
            const used = uses.find((u) => u.part_id === e.part_id)?.amount_fen ?? 0;
            return n + e.amount_fen - used;
          }, 0);
          const lastingUsed = uses.some((u) =>
            spendable.lasting.some((l) => l.part_id === u.part_id),
          );
          if (free_fen > 0 || lastingUsed) expect(expiringLeft).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
