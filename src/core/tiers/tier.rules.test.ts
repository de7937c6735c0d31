import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import {
  changeReason,
  checkRightUse,
  growthFromSpend,
  nextReviewAt,
  pickTier,
  tierProgress,
  upgradeTarget,
  validateRights,
  windowStart,
} from './tier.rules.ts';

const tiers = [
  { id: 'silver', threshold: 1000 },
  { id: 'base', threshold: 0 },
  { id: 'gold', threshold: 5000 },
];

describe('tier rules', () => {
  it('1 growth per ¥1, rounded down', () => {
    expect(growthFromSpend(23_050, 100)).toBe(230);
    expect(growthFromSpend(99, 100)).toBe(0);
  });

  it('picks the highest tier the value reaches', () => {
    expect(pickTier(tiers, 0)?.id).toBe('base');
    expect(pickTier(tiers, 999)?.id).toBe('base');
    expect(pickTier(tiers, 1000)?.id).toBe('silver');
    expect(pickTier(tiers, 10_000)?.id).toBe('gold');
    expect(pickTier(tiers.slice(0, 1), 10)).toBe(null);
  });

  it('property: an upgrade only ever goes up, to the tier the value reaches', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(null, ...tiers),
        fc.integer({ min: 0, max: 10_000 }),
        (current, value) => {
          const target = upgradeTarget(tiers, current, value);
          if (target) {
            expect(target.threshold).toBeGreaterThan(current?.threshold ?? -1);
            expect(target).toBe(pickTier(tiers, value));
          } else {
            expect(pickTier(tiers, value)?.threshold ?? -1).toBeLessThanOrEqual(
              current?.threshold ?? -1,
            );
          }
        },
      ),
    );
  });

  it('names the direction of a change', () => {
    expect(changeReason(tiers[0]!, tiers[2]!)).toBe('upgrade');
    expect(changeReason(tiers[2]!, tiers[1]!)).toBe('downgrade');
    expect(changeReason(tiers[2]!, null)).toBe('downgrade');
    expect(changeReason(tiers[2]!, tiers[2]!)).toBe(null);
  });

  it('reviews fall on a local midnight, windows start on one', () => {
    // 2026-03-31 20:00 in Shanghai + 12 months: 2027-03-31 00:00 +08
    const now = new Date('2026-03-31T12:00:00Z');
    expect(nextReviewAt(now, 12, 'Asia/Shanghai').toISOString()).toBe('2027-03-30T16:00:00.000Z');
    expect(windowStart(now, 12, 'Asia/Shanghai').toISOString()).toBe('2025-03-30T16:00:00.000Z');
    // 1 month from Mar 31 is Apr 30 (clamped)
    expect(nextReviewAt(now, 1, 'Asia/Shanghai').toISOString()).toBe('2026-04-29T16:00:00.000Z');
  });

  it('progress to the next tier', () => {
    expect(tierProgress(tiers, tiers[0]!, 1200)).toEqual({ next: tiers[2], missing: 3800 });
    expect(tierProgress(tiers, tiers[2]!, 9000)).toEqual({ next: null, missing: 0 });
  });

  it('service rights: unique codes, counted per month, refused beyond N with the count', () => {
    expect(() =>
      validateRights([
        { code: 'upsize', name: 'a', monthly_uses: 1 },
        { code: 'upsize', name: 'b', monthly_uses: 2 },
      ]),
    ).toThrow(DomainError);
    const rights = [{ code: 'upsize', name: 'Free size upgrade', monthly_uses: 2 }];
    expect(checkRightUse(rights, 'upsize', 1).code).toBe('upsize');
    try {
      checkRightUse(rights, 'upsize', 2);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('tier.right_exhausted');
      expect((e as DomainError).params).toEqual({ limit: 2, used: 2 });
    }
    expect(() => checkRightUse(rights, 'parking', 0)).toThrow('tier.right_not_found');
  });
});
