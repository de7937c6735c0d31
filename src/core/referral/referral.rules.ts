import type { ReferralSettingRow } from './referral.table.ts';

const DAY_MS = 86_400_000;

/** A customer counts as new, and can be bound, within the window after joining. */
export const withinBindingWindow = (joinedAt: Date, now: Date, windowDays: number): boolean =>
  now.getTime() - joinedAt.getTime() <= windowDays * DAY_MS;

export const percentOf = (fen: number, bp: number): number => Math.floor((fen * bp) / 10_000);

/**
 * The commission an order earns its referee's sharer, in fen: the fixed amount or a percent of
 * the first order (only the first paid order after binding), or a percent of every order within
 * `rule_days` of the binding.
 */
export function commissionFen(
  setting: Pick<ReferralSettingRow, 'rule' | 'fixed_fen' | 'percent_bp' | 'rule_days'>,
  order: { paid_fen: number; created_at: Date },
  binding: { bound_at: Date; first: boolean },
): number {
  if (order.paid_fen <= 0) return 0;
  switch (setting.rule) {
    case 'fixed_new_member':
      return binding.first ? setting.fixed_fen : 0;
    case 'first_order_percent':
      return binding.first ? percentOf(order.paid_fen, setting.percent_bp) : 0;
    case 'orders_percent':
      return order.created_at.getTime() - binding.bound_at.getTime() < setting.rule_days * DAY_MS
        ? percentOf(order.paid_fen, setting.percent_bp)
        : 0;
  }
}

/** Points payout: `points_per_yuan` points per ¥1 of commission, rounded down. */
export const commissionPoints = (fen: number, pointsPerYuan: number): number =>
  Math.floor((fen * pointsPerYuan) / 100);

/**
 * What one refund takes back of a commission: the share of everything refunded so far (this
 * refund included) less what earlier refunds took, so refunds one by one end exactly where
 * one full refund ends.
 */
export function reversalOf(
  original: number,
  reversedSoFar: number,
  refundedBefore: number,
  ratio: { num: number; den: number },
): number {
  if (ratio.den <= 0) return 0;
  const refunded = Math.min(ratio.den, refundedBefore + ratio.num);
  const target = Math.floor((original * refunded) / ratio.den);
  return Math.max(0, target - reversedSoFar);
}
