import type { CouponBenefit } from '../coupons/coupon.schema.ts';

// A campaign's budget counts what it hands out, at launch: coupons, points, and their cost in
// fen. A coupon costs its face value, the most it can take off (满减 off, 代金券 value, a
// percentage's cap, a free item's maximum; 0 where unbounded or a count card); points cost what
// they pay at the till (checkout setting), 0 when points do not pay.

export function couponFaceFen(benefit: CouponBenefit): number {
  switch (benefit.kind) {
    case 'threshold_off':
      return benefit.off_fen;
    case 'cash_voucher':
      return benefit.value_fen;
    case 'percent_off':
      return benefit.cap_fen ?? 0;
    case 'free_item':
      return benefit.max_value_fen ?? 0;
    case 'count_card':
      return 0;
  }
}

/** Rounded down: a budget is never overspent by a rounding. */
export const pointsCostFen = (
  points: number,
  rate: { points_per_unit: number | null; fen_per_unit: number | null } | undefined,
): number =>
  rate?.points_per_unit && rate.fen_per_unit
    ? Math.floor((points * rate.fen_per_unit) / rate.points_per_unit)
    : 0;

export interface Budget {
  coupons: number | null;
  points: number | null;
  cost_fen: number | null;
}

export interface PerMember {
  coupons: number;
  points: number;
  cost_fen: number;
}

/** How many more members the budget serves, given what is spent and what one member costs. */
export function budgetRoom(budget: Budget, spent: PerMember, each: PerMember): number {
  let room = Number.POSITIVE_INFINITY;
  for (const key of ['coupons', 'points', 'cost_fen'] as const) {
    const cap = budget[key];
    if (cap === null || each[key] === 0) continue;
    room = Math.min(room, Math.max(0, Math.floor((cap - spent[key]) / each[key])));
  }
  return room;
}
