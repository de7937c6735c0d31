import { describe, expect, it } from 'vitest';
import { checkRedeemable, isOnSale } from './mall.rules.ts';

const reward = {
  active: true,
  starts_on: '2026-06-01',
  ends_on: '2026-06-30',
  stock: 3,
  per_member_limit: 1,
};

describe('mall rules', () => {
  it('on sale between its dates (local, inclusive) when active', () => {
    expect(isOnSale(reward, '2026-05-31')).toBe(false);
    expect(isOnSale(reward, '2026-06-01')).toBe(true);
    expect(isOnSale(reward, '2026-06-30')).toBe(true);
    expect(isOnSale(reward, '2026-07-01')).toBe(false);
    expect(isOnSale({ ...reward, active: false }, '2026-06-10')).toBe(false);
    expect(isOnSale({ ...reward, starts_on: null, ends_on: null }, '2099-01-01')).toBe(true);
  });

  it('refuses: not on sale, then sold out, then the member limit', () => {
    expect(() => checkRedeemable({ ...reward, stock: 0 }, '2026-07-01', 5)).toThrow(
      'mall.not_available',
    );
    expect(() => checkRedeemable({ ...reward, stock: 0 }, '2026-06-10', 5)).toThrow(
      'mall.out_of_stock',
    );
    expect(() => checkRedeemable(reward, '2026-06-10', 1)).toThrow('mall.limit_reached');
    expect(() => checkRedeemable(reward, '2026-06-10', 0)).not.toThrow();
    expect(() =>
      checkRedeemable({ ...reward, stock: null, per_member_limit: null }, '2026-06-10', 99),
    ).not.toThrow();
  });
});
