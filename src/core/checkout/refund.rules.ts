import { cumulativeShare } from '../../lib/allocate.ts';
import type { ErrorCode } from '../../lib/error-codes.ts';
import type { PointsDeductionSetting, PricedLine } from './pricing.rules.ts';

/** The per-line amounts a refund reverses; each is returned pro rata to the units refunded. */
export const REVERSED = [
  'amount_fen',
  'tier_discount_fen',
  'coupon_discount_fen',
  'points_used',
  'points_deduction_fen',
  'principal_fen',
  'bonus_fen',
  'tender_fen',
  'earn_base_fen',
  'points_earned',
  'growth',
] as const;
type Reversed = (typeof REVERSED)[number];

export type RefundAmounts = Record<Reversed, number>;

export interface RefundedLine extends RefundAmounts {
  line_id: string;
  quantity: number;
}

export interface RefundResult extends RefundAmounts {
  ok: true;
  lines: RefundedLine[];
  /** money back: principal and bonus to the wallet, `tender_fen` through the tenders */
  money_fen: number;
  /** true when every unit of the order is now refunded */
  complete: boolean;
  /** a coupon stays used unless the whole order is refunded (PRODUCT.md) */
  restore_coupon_ids: string[];
}

export type RefundRefusal = {
  ok: false;
  code: ErrorCode;
  field: string;
  params: Record<string, unknown>;
};

export interface RecordedOrder {
  lines: readonly PricedLine[];
  applied_coupon_ids: readonly string[];
}

const zero = (): RefundAmounts => Object.fromEntries(REVERSED.map((k) => [k, 0])) as RefundAmounts;

/**
 * Refund of some units of some lines. Each amount of a line is reversed cumulatively: units
 * r+1…r+q of a line of n units give back share(r+q) − share(r) of it, share(k) =
 * floor(amount × k / n). So partial refunds in any sequence add up to the full refund
 * exactly, the last unit takes the rounding, and nothing is returned twice. Principal and
 * bonus go back in the proportions they were taken; points spent are returned, points earned
 * clawed back, pro rata. `refunded` is the quantity already refunded per line.
 */
export function refundLines(
  order: RecordedOrder,
  refunded: Readonly<Record<string, number>>,
  request: readonly { line_id: string; quantity: number }[],
): RefundResult | RefundRefusal {
  const done = new Map(order.lines.map((l) => [l.line_id, refunded[l.line_id] ?? 0]));
  const out = new Map<string, RefundedLine>();
  for (const [i, r] of request.entries()) {
    const line = order.lines.find((l) => l.line_id === r.line_id);
    if (!line)
      return { ok: false, code: 'request.invalid', field: `lines.${i}.line_id`, params: {} };
    const before = done.get(line.line_id)!;
    if (!Number.isSafeInteger(r.quantity) || r.quantity < 1 || before + r.quantity > line.quantity)
      return {
        ok: false,
        code: 'checkout.refund_exceeds',
        field: `lines.${i}.quantity`,
        params: { line_id: line.line_id, refundable_quantity: line.quantity - before },
      };
    const acc = out.get(line.line_id) ?? { line_id: line.line_id, quantity: 0, ...zero() };
    for (const k of REVERSED)
      acc[k] +=
        cumulativeShare(line[k], before + r.quantity, line.quantity) -
        cumulativeShare(line[k], before, line.quantity);
    acc.quantity += r.quantity;
    done.set(line.line_id, before + r.quantity);
    out.set(line.line_id, acc);
  }
  const lines = [...out.values()];
  const totals = zero();
  for (const l of lines) for (const k of REVERSED) totals[k] += l[k];
  const complete = order.lines.every((l) => done.get(l.line_id) === l.quantity);
  return {
    ok: true,
    ...totals,
    lines,
    money_fen: totals.principal_fen + totals.bonus_fen + totals.tender_fen,
    complete,
    restore_coupon_ids: complete ? [...order.applied_coupon_ids] : [],
  };
}

/**
 * A till order's money goes back through the tenders it was charged to. An order from another
 * channel (an online shop, a mini-program, the order history) was paid there, with no tender
 * rows here: its money goes back through that channel, and the refund records the amount.
 */
export const refundsThroughTenders = (channel: string) => channel === 'till';

/** Every remaining unit of every line: what a full refund (or the rest of one) asks for. */
export function remainingUnits(
  order: RecordedOrder,
  refunded: Readonly<Record<string, number>>,
): { line_id: string; quantity: number }[] {
  return order.lines
    .map((l) => ({ line_id: l.line_id, quantity: l.quantity - (refunded[l.line_id] ?? 0) }))
    .filter((r) => r.quantity > 0);
}

export type ClawbackPolicy = 'debt' | 'reduce_refund';

/**
 * Earned points already spent (PRODUCT.md): with `debt` the whole claw-back is taken and the
 * balance may go negative; with `reduce_refund` the points the balance cannot cover are paid
 * for out of the tender refund at the deduction rate (rounded up, in the merchant's favour),
 * as far as that refund reaches; anything beyond still becomes debt, never written off.
 */
export function settleClawback(input: {
  points_clawed: number;
  points_returned: number;
  points_balance: number;
  tender_refund_fen: number;
  policy: ClawbackPolicy;
  rate: PointsDeductionSetting | null;
}): { points_clawed: number; refund_reduction_fen: number } {
  const available = input.points_balance + input.points_returned;
  const shortfall = Math.max(0, input.points_clawed - Math.max(0, available));
  if (input.policy === 'debt' || shortfall === 0 || !input.rate)
    return { points_clawed: input.points_clawed, refund_reduction_fen: 0 };
  const { points_per_unit: p, fen_per_unit: f } = input.rate;
  const wanted = Number((BigInt(shortfall) * BigInt(f) + BigInt(p - 1)) / BigInt(p));
  const reduction = Math.min(wanted, input.tender_refund_fen);
  const covered = Math.min(shortfall, Number((BigInt(reduction) * BigInt(p)) / BigInt(f)));
  return { points_clawed: input.points_clawed - covered, refund_reduction_fen: reduction };
}
