import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EarnRules,
  earnPoints,
  grantCeiling,
  isBirthday,
  missingProfileFields,
} from './points-earn.rules.ts';

const S4: EarnRules = {
  default_fen_per_point: 100,
  categories: [{ category: 'plain_gold', fen_per_point: 1000 }],
  campaigns: [],
  time_zone: 'Asia/Shanghai',
};
const now = new Date('2026-06-10T04:00:00Z'); // 2026-06-10 12:00 in Shanghai
const noBirthday = { birthday: null };

describe('earnPoints', () => {
  it('S4: normal goods ¥230.50 → 230, plain gold ¥5,000 → 500', () => {
    const result = earnPoints(
      [
        { category: 'normal', amount_fen: 23_050 },
        { category: 'plain_gold', amount_fen: 500_000 },
      ],
      S4,
      null,
      noBirthday,
      now,
    );
    expect(result.points).toBe(730);
    expect(result.categories.map((c) => [c.category, c.points])).toEqual([
      ['normal', 230],
      ['plain_gold', 500],
    ]);
  });

  it('rounds down per category total, not per line', () => {
    // three lines of ¥0.99: per line 0 + 0 + 0, per category total 297 fen → 2
    const lines = Array.from({ length: 3 }, () => ({ category: 'normal', amount_fen: 99 }));
    expect(earnPoints(lines, S4, null, noBirthday, now).points).toBe(2);
  });

  it('a category without a rule uses the default; with no default it earns nothing', () => {
    const rules = { ...S4, default_fen_per_point: null };
    const result = earnPoints(
      [{ category: 'gift_card', amount_fen: 10_000 }],
      rules,
      null,
      noBirthday,
      now,
    );
    expect(result.points).toBe(0);
    expect(result.categories[0]?.fen_per_point).toBe(null);
  });

  it('tier, birthday and campaign multipliers multiply, rounded down once per category', () => {
    const tier = { points_multiplier_bp: 15_000, birthday_multiplier_bp: 20_000 };
    const rules: EarnRules = {
      ...S4,
      campaigns: [
        {
          id: 'c1',
          name: 'double gold',
          multiplier_bp: 20_000,
          starts_on: '2026-06-10',
          ends_on: '2026-06-10',
          categories: ['plain_gold'],
        },
        {
          id: 'c2',
          name: 'over',
          multiplier_bp: 30_000,
          starts_on: '2026-06-01',
          ends_on: '2026-06-09',
          categories: null,
        },
      ],
    };
    const result = earnPoints(
      [
        { category: 'normal', amount_fen: 10_150 }, // base 101
        { category: 'plain_gold', amount_fen: 10_000 }, // base 10
      ],
      rules,
      tier,
      { birthday: '1990-06-10' },
      now,
    );
    expect(result.birthday).toBe(true);
    expect(result.campaign_ids).toEqual(['c1']);
    // normal: 101 × 1.5 × 2 = 303; gold: 10 × 1.5 × 2 × 2 = 60
    expect(result.categories.map((c) => c.points)).toEqual([303, 60]);
    expect(result.points).toBe(363);
  });

  it('campaign dates are local days in the merchant zone, both ends inclusive', () => {
    const rules: EarnRules = {
      ...S4,
      campaigns: [
        {
          id: 'c',
          name: 'x',
          multiplier_bp: 20_000,
          starts_on: '2026-06-11',
          ends_on: '2026-06-11',
          categories: null,
        },
      ],
    };
    const line = [{ category: 'normal', amount_fen: 10_000 }];
    // 2026-06-10 15:59:59Z is 23:59:59 on the 10th in Shanghai; 16:00Z is the 11th
    expect(earnPoints(line, rules, null, noBirthday, new Date('2026-06-10T15:59:59Z')).points).toBe(
      100,
    );
    expect(earnPoints(line, rules, null, noBirthday, new Date('2026-06-10T16:00:00Z')).points).toBe(
      200,
    );
    expect(earnPoints(line, rules, null, noBirthday, new Date('2026-06-11T15:59:59Z')).points).toBe(
      200,
    );
    expect(earnPoints(line, rules, null, noBirthday, new Date('2026-06-11T16:00:00Z')).points).toBe(
      100,
    );
  });

  it('property: never more than the exact product; 1× multipliers change nothing', () => {
    const line = fc.record({
      category: fc.constantFrom('a', 'b', 'plain_gold'),
      amount_fen: fc.integer({ min: 0, max: 10_000_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 50_000 }),
        (lines, bp) => {
          const plain = earnPoints(lines, S4, null, noBirthday, now);
          const ones = earnPoints(
            lines,
            S4,
            { points_multiplier_bp: 10_000, birthday_multiplier_bp: 10_000 },
            noBirthday,
            now,
          );
          expect(ones.points).toBe(plain.points);
          const multiplied = earnPoints(
            lines,
            S4,
            { points_multiplier_bp: bp, birthday_multiplier_bp: 10_000 },
            noBirthday,
            now,
          );
          for (const [i, c] of multiplied.categories.entries()) {
            const base = plain.categories[i]!.base_points;
            expect(c.points).toBe(Math.floor((base * bp) / 10_000));
          }
          // per-category rounding never earns more than rounding the whole order
          const total = lines.reduce((s, l) => s + l.amount_fen, 0);
          const allNormal = earnPoints(
            lines.map((l) => ({ ...l, category: 'a' })),
            S4,
            null,
            noBirthday,
            now,
          );
          expect(allNormal.points).toBe(Math.floor(total / 100));
        },
      ),
    );
  });
});

describe('isBirthday', () => {
  it('matches month and day', () => {
    expect(isBirthday('1990-06-10', '2026-06-10')).toBe(true);
    expect(isBirthday('1990-06-10', '2026-06-11')).toBe(false);
    expect(isBirthday(null, '2026-06-10')).toBe(false);
  });

  it('Feb 29 birthdays fall on Feb 28 in common years, on Feb 29 in leap years', () => {
    expect(isBirthday('2000-02-29', '2027-02-28')).toBe(true);
    expect(isBirthday('2000-02-29', '2027-03-01')).toBe(false);
    expect(isBirthday('2000-02-29', '2028-02-28')).toBe(false);
    expect(isBirthday('2000-02-29', '2028-02-29')).toBe(true);
    expect(isBirthday('2000-02-29', '2100-02-28')).toBe(true); // 2100 is not a leap year
  });

  it('uses the local date: a birthday starts at local midnight', () => {
    const r = { ...S4 };
    const tier = { points_multiplier_bp: 10_000, birthday_multiplier_bp: 20_000 };
    const line = [{ category: 'normal', amount_fen: 1000 }];
    const m = { birthday: '1990-06-11' };
    expect(earnPoints(line, r, tier, m, new Date('2026-06-10T15:59:59Z')).points).toBe(10);
    expect(earnPoints(line, r, tier, m, new Date('2026-06-10T16:00:00Z')).points).toBe(20);
  });
});

describe('grantCeiling', () => {
  const ceilings = { manager: 1000, cashier: 100, marketer: 0, api_key: 500 };
  it('per role; the owner and the system have none', () => {
    expect(grantCeiling({ kind: 'staff', role: 'cashier' }, ceilings)).toBe(100);
    expect(grantCeiling({ kind: 'staff', role: 'manager' }, ceilings)).toBe(1000);
    expect(grantCeiling({ kind: 'staff', role: 'marketer' }, ceilings)).toBe(0);
    expect(grantCeiling({ kind: 'api_key', role: null }, ceilings)).toBe(500);
    expect(grantCeiling({ kind: 'staff', role: 'owner' }, ceilings)).toBe(null);
    expect(grantCeiling({ kind: 'system', role: null }, ceilings)).toBe(null);
  });
});

describe('missingProfileFields', () => {
  it('names what is missing', () => {
    expect(missingProfileFields({ name: ' ', gender: 'unknown', birthday: null })).toEqual([
      'name',
      'gender',
      'birthday',
    ]);
    expect(
      missingProfileFields({ name: '王芳', gender: 'female', birthday: '1990-01-01' }),
    ).toEqual([]);
  });
});
